using System.Net;
using System.Text.Json;
using Crm.Tests.Automation;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using Crm.Web.Features.Import;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Webhooks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// An administrator may import without automation (issue 26): the records of such an import, and of
/// its undo, set off no automation rule and no webhook, while their history is written as always; the
/// same file imported normally sets off both; someone who is not an administrator may not ask for it.
/// </summary>
public sealed class ImportWithoutAutomationTests
{
    [Fact]
    public async Task A_quiet_import_and_its_undo_run_no_rule_and_send_no_webhook_and_only_an_administrator_may_ask()
    {
        await using var app = new ImportApp().With("Automation:WorkerEnabled", "false")
            .With("Webhooks:AllowedHosts:0", "127.0.0.1").With("Webhooks:Delivery:Enabled", "false");
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await AutomationKit.CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Welcome new leads", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "send-email", toField = "email", title = "Welcome, {{firstName}}", message = "Hello {{firstName}}." } },
        }));
        await WebhookKit.CreateAsync(admin, receiver.Url, adminId, ["leads"], ["created", "deleted"]);

        // Quiet: two leads in and out again, and nobody hears of it.
        var quiet = (await StartAsync(admin, "leads", "old-leads.csv", "First name,Last name,Email\r\nQuinn,Quiet,quinn@old.example\r\nQuincy,Quiet,quincy@old.example\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, admin, quiet, """{"mode":"create"}""");
        var confirmed = await admin.PostJsonAsync($"/api/v1/imports/{quiet}/confirm", """{"skipAutomation":true}""");
        Assert.Equal(HttpStatusCode.Accepted, confirmed.StatusCode);
        await RunWaitingAsync(app);
        var run = await GetAsync(admin, quiet);
        Assert.Equal(("imported", true), (run.GetProperty("status").GetString(), run.GetProperty("skipAutomation").GetBoolean()));
        await AutomationKit.SettleAsync(app);
        await WebhookKit.DeliverAsync(app);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.OutgoingEmails.CountAsync(e => e.Purpose == "automation")));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().CountAsync()));
        Assert.Empty(receiver.TakeAll());
        // The history is written as always.
        Assert.Equal(2, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.RequestId == ImportRuns.RequestIdOf(quiet))));

        Assert.Equal("undone", (await UndoAsync(app, admin, quiet)).GetProperty("status").GetString());
        await AutomationKit.SettleAsync(app);
        await WebhookKit.DeliverAsync(app);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Set<WebhookDelivery>().CountAsync()));
        Assert.Empty(receiver.TakeAll());

        // The same kind of file imported normally: the rule runs and the webhook goes, after the quiet entries were passed over.
        var loud = (await StartAsync(admin, "leads", "new-leads.csv", "First name,Last name,Email\r\nLou,Loud,lou@new.example\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, admin, loud, """{"mode":"create"}""");
        Assert.False((await ConfirmAsync(app, admin, loud)).GetProperty("skipAutomation").GetBoolean());
        await AutomationKit.SettleAsync(app);
        await WebhookKit.DeliverAsync(app);
        Assert.Equal(["lou@new.example"], await app.InDatabaseAsync(db => db.OutgoingEmails.Where(e => e.Purpose == "automation").Select(e => e.To).ToListAsync()));
        var sent = Assert.Single(receiver.TakeAll());
        Assert.Equal("Loud", WebhookKit.Json(sent).GetProperty("data").GetProperty("record").GetProperty("lastName").GetString());

        // Someone who may import leads but is not an administrator is refused, and the run waits unchanged.
        var role = await CompanyKit.RoleAsync(app, "Lead importer", null, AssignRecordsTo.AnyUser, ("leads", "view", Scope.All), ("leads", "create", Scope.All), ("leads", "import", Scope.All));
        await CompanyKit.UserAsync(app, "lead.importer@crm.test", role);
        var user = await app.SignInAsync("lead.importer@crm.test", CompanyKit.Password);
        var theirs = (await StartAsync(user, "leads", "theirs.csv", "First name,Last name\r\nTia,Theirs\r\n")).GetProperty("id").GetInt32();
        await CheckAsync(app, user, theirs, """{"mode":"create"}""");
        var refused = await user.PostJsonAsync($"/api/v1/imports/{theirs}/confirm", """{"skipAutomation":true}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([ConfirmImport.SkipAutomationRefused], await refused.FieldErrorsAsync("skipAutomation"));
        Assert.Equal("checked", (await GetAsync(user, theirs)).GetProperty("status").GetString());
    }
}
