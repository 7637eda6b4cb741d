using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;
using Crm.Web.Features.Mailings;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>"Send email" writes to the record's own address through the queue, never to an address that unsubscribed.</summary>
public sealed class EmailActionTests
{
    [Fact]
    public async Task A_rule_emails_the_leads_address_from_its_templates_skips_an_unsubscribed_address_and_says_why_with_no_address()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await app.InDatabaseAsync(async db =>
        {
            db.MailingOptOuts.Add(new MailingOptOut { Email = "gone@mail.test", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });

        var refused = await admin.PostJsonAsync("/api/v1/automation/rules", JsonSerializer.Serialize(new
        {
            name = "Thank new leads", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "send-email", toField = "mailbox", title = "Thanks", recipients = "owner" } },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.ReadJsonAsync()).GetProperty("errors");
        Assert.Contains("mailbox is not a text field of leads", errors.GetProperty("actions[0].toField")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("leave out recipients", errors.GetProperty("actions[0]")[0].GetString(), StringComparison.Ordinal);

        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Thank new leads", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "send-email", toField = "email", title = "Thank you, {{firstName}}", message = "Hello {{firstName}}, thanks for writing to us from {{companyName}}." } },
        }));
        await CreateLeadAsync(admin, """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines & Co","email":"ada@mail.test"}""");
        await CreateLeadAsync(admin, """{"firstName":"Gil","lastName":"Gone","email":"Gone@mail.test"}""");
        await CreateLeadAsync(admin, """{"firstName":"Nora","lastName":"Nomail"}""");
        await SettleAsync(app);

        var sent = await app.InDatabaseAsync(db => db.OutgoingEmails.Where(e => e.Purpose == "automation").Select(e => new { e.To, e.Subject }).ToListAsync());
        var only = Assert.Single(sent);
        Assert.Equal(("ada@mail.test", "Thank you, Ada"), (only.To, only.Subject));

        var outcomes = (await RunsAsync(admin, rule)).EnumerateArray()
            .ToDictionary(r => r.GetProperty("recordLabel").GetString()!, r => r.GetProperty("actions")[0]);
        Assert.Equal("done", outcomes.Single(o => o.Key.Contains("Gone", StringComparison.Ordinal)).Value.GetProperty("status").GetString());
        Assert.Contains("unsubscribed", outcomes.Single(o => o.Key.Contains("Gone", StringComparison.Ordinal)).Value.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.Contains("email is empty", outcomes.Single(o => o.Key.Contains("Nomail", StringComparison.Ordinal)).Value.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(ActionKinds.SendEmail, outcomes.First().Value.GetProperty("kind").GetString());
    }
}
