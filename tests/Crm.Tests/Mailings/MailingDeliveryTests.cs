using System.Net;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Mailings.MailingKit;

namespace Crm.Tests.Mailings;

/// <summary>Mailings delivered through users' own sending accounts, against real SMTP servers (aiosmtpd on loopback).</summary>
[Slow]
public sealed partial class MailingDeliveryTests
{
    [Fact]
    public async Task A_mailing_to_100_contacts_in_two_batches_goes_once_to_each_through_the_bound_account_a_second_reuses_the_bindings_and_a_transfer_moves_them()
    {
        await using var serverA = await SmtpServer.StartAsync();
        await using var serverB = await SmtpServer.StartAsync();
        await using var serverC = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(serverA.Port).With("Email:Delivery:BatchSize", "50");
        var sales = await DepartmentAsync(app, "Sales");
        var role = await SalesRoleAsync(app, Scope.All);
        var manager = await UserAsync(app, "manager@crm.test", role, sales);
        var receiver = await UserAsync(app, "receiver@crm.test", role, sales);
        var company = await CompanyAsync(app, "Big customer", manager.Id, sales);
        var early = await ContactsAsync(app, 40, company, manager.Id, "Early", "early", sales);
        var late = await ContactsAsync(app, 60, company, manager.Id, "Late", "late", sales);

        var managerClient = await app.SignInAsync("manager@crm.test", Password);
        var accountA = await AddAccountAsync(managerClient, "Main", serverA.Port, "ann@sales.test");
        var accountB = await AddAccountAsync(managerClient, "Second", serverB.Port, "ann.second@sales.test");
        var receiverClient = await app.SignInAsync("receiver@crm.test", Password);
        var accountC = await AddAccountAsync(receiverClient, "Receiver main", serverC.Port, "rita@sales.test");
        var accountC2 = await AddAccountAsync(receiverClient, "Receiver other", serverB.Port, "rita.other@sales.test");

        // First mailing, through A, to the 40 early contacts only: it binds them to A.
        await SentMailingAsync(managerClient, accountA, "First for {{FirstName}}", "Hello {{FirstName}} {{LastName}}", field: "lastName", value: "early");
        Assert.Equal(40, await app.DrainAsync());
        var first = serverA.Received.Where(m => m.Subject.StartsWith("First", StringComparison.Ordinal)).ToList();
        Assert.Equal(40, first.Count);
        Assert.Equal(40, first.SelectMany(m => m.RcptTos).Distinct().Count());
        Assert.All(first, m => Assert.Equal("ann@sales.test", m.MailFrom));
        Assert.Contains(first, m => m.RcptTos.Single() == "early7@mail.test" && m.Subject == "First for First7" && m.Text.Contains("Hello First7 Early", StringComparison.Ordinal));

        // Second mailing, chosen account B, to all 100: the early ones stay with A (sticky), the others are bound to B.
        var second = await SentMailingAsync(managerClient, accountB, "Second", "Hello again {{FirstName}}");
        var secondView = await (await managerClient.Http.GetAsync($"/api/v1/mailings/{second}")).ReadJsonAsync();
        Assert.Equal(100, secondView.GetProperty("recipients").GetInt32());
        Assert.Equal(100, await app.DrainAsync());
        var secondAtA = serverA.Received.Where(m => m.Subject == "Second").ToList();
        var secondAtB = serverB.Received.Where(m => m.Subject == "Second").ToList();
        Assert.Equal(early.Select((_, i) => $"early{i + 1}@mail.test").Order(), secondAtA.SelectMany(m => m.RcptTos).Order());
        Assert.Equal(late.Select((_, i) => $"late{i + 1}@mail.test").Order(), secondAtB.SelectMany(m => m.RcptTos).Order());
        Assert.All(secondAtB, m => Assert.Equal("ann.second@sales.test", m.MailFrom));
        Assert.Equal(100, await app.InDatabaseAsync(db => db.MassContacts.CountAsync()));
        var delivered = await (await managerClient.Http.GetAsync($"/api/v1/mailings/{second}")).ReadJsonAsync();
        Assert.Equal(100, delivered.GetProperty("delivery").GetProperty("sent").GetInt32());
        Assert.Equal(0, delivered.GetProperty("delivery").GetProperty("queued").GetInt32());

        // The company (and so its contacts) moves to the receiver: every binding moves to the receiver's first account, in the transfer.
        var transfer = await managerClient.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{company}}],"newOwnerId":"{{receiver.Id}}"}""");
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        Assert.Equal([accountC], await app.InDatabaseAsync(db => db.MassContacts.Select(m => m.SendingAccountId).Distinct().ToListAsync()));

        // The receiver writes from their other account: the moved bindings win, every message goes through C.
        await SentMailingAsync(receiverClient, accountC2, "Third", "Hello from your new manager");
        Assert.Equal(100, await app.DrainAsync());
        var third = serverC.Received.Where(m => m.Subject == "Third").ToList();
        Assert.Equal(100, third.SelectMany(m => m.RcptTos).Distinct().Count());
        Assert.All(third, m => Assert.Equal("rita@sales.test", m.MailFrom));
        Assert.DoesNotContain(serverB.Received, m => m.Subject == "Third");
        Assert.Equal(240, await app.InDatabaseAsync(db => db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.Sent)));

        // Every binding and the mailing rows are in the audit trail, like any other change.
        Assert.True(await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "mass-contact")) >= 100);
    }

    [Fact]
    public async Task A_transfer_to_an_owner_without_a_sending_account_removes_the_bindings()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "manager@crm.test", role);
        var receiver = await UserAsync(app, "receiver@crm.test", role);
        var manager = await app.SignInAsync("manager@crm.test", Password);
        var account = await AddAccountAsync(manager, "Main", server.Port, "ann@sales.test");
        var owner = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "manager@crm.test").Select(u => u.Id).SingleAsync());
        var company = await CompanyAsync(app, "Customer", owner, null);
        var kept = await ContactsAsync(app, 3, null, owner, "Kept", "kept");
        await ContactsAsync(app, 2, company, owner, "Moved", "moved");
        await SentMailingAsync(manager, account, "Hello", "Hi {{Name}}");
        Assert.Equal(5, await app.InDatabaseAsync(db => db.MassContacts.CountAsync()));

        var transfer = await manager.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{company}}],"newOwnerId":"{{receiver.Id}}"}""");
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        Assert.Equal(kept.Order(), await app.InDatabaseAsync(db => db.MassContacts.OrderBy(m => m.RecordId).Select(m => m.RecordId).ToListAsync()));
    }

    [Fact]
    public async Task Opted_out_addresses_are_skipped_and_the_unsubscribe_link_works()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "manager@crm.test", role);
        var manager = await app.SignInAsync("manager@crm.test", Password);
        var owner = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "manager@crm.test").Select(u => u.Id).SingleAsync());
        await ContactsAsync(app, 3, null, owner, "Reader", "reader");
        var account = await AddAccountAsync(manager, "Main", server.Port, "ann@sales.test");

        await SentMailingAsync(manager, account, "News", "Dear {{FirstName}}");
        Assert.Equal(3, await app.DrainAsync());
        var message = Assert.Single(server.Received, m => m.RcptTos.Contains("reader2@mail.test"));
        var link = new Uri(LinkPattern().Match(message.Text).Value);
        Assert.Equal("/unsubscribe", link.AbsolutePath);

        // A forged token is refused and records nothing.
        var stranger = app.NewClient();
        var (_, forged) = await stranger.GetPageAsync("/unsubscribe?token=not-a-real-token");
        Assert.Contains("not valid", forged.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        // The recipient, not signed in, follows the link and confirms.
        var (shown, page) = await stranger.GetPageAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("reader2@mail.test", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var confirmed = await stranger.SubmitAsync(page, [], "#unsubscribe-form");
        Assert.Contains("will receive no more mailings", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["reader2@mail.test"], await app.InDatabaseAsync(db => db.MailingOptOuts.Select(o => o.Email).ToListAsync()));

        var preview = await (await manager.PostJsonAsync("/api/v1/mailings/preview", """{"module":"contacts"}""")).ReadJsonAsync();
        Assert.Equal((2, 1), (preview.GetProperty("recipients").GetInt32(), preview.GetProperty("optedOut").GetInt32()));
        var next = await SentMailingAsync(manager, account, "More news", "Dear {{FirstName}}");
        Assert.Equal(2, await app.DrainAsync());
        Assert.DoesNotContain(server.Received, m => m.Subject == "More news" && m.RcptTos.Contains("reader2@mail.test"));
        var view = await (await manager.Http.GetAsync($"/api/v1/mailings/{next}")).ReadJsonAsync();
        Assert.Equal((2, 1), (view.GetProperty("recipients").GetInt32(), view.GetProperty("skippedOptedOut").GetInt32()));
    }

    [Fact]
    public async Task The_delivery_worker_never_sends_more_than_the_accounts_rate_in_a_minute()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "manager@crm.test", role);
        var manager = await app.SignInAsync("manager@crm.test", Password);
        var owner = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "manager@crm.test").Select(u => u.Id).SingleAsync());
        await ContactsAsync(app, 12, null, owner, "Paced", "paced");
        var account = await AddAccountAsync(manager, "Slow", server.Port, "slow@sales.test", rate: 5);
        await SentMailingAsync(manager, account, "Paced", "Hello");

        await app.DrainAsync();
        Assert.Equal(5, server.Received.Count);
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await app.DrainAsync();
        Assert.Equal(5, server.Received.Count);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await app.DrainAsync();
        Assert.Equal(10, server.Received.Count);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await app.DrainAsync();
        Assert.Equal(12, server.Received.Count);

        // Waiting for the rate used no attempt: each message went out on its first.
        var rows = await app.InDatabaseAsync(db => db.OutgoingEmails.Select(e => new { e.Status, e.Attempts, e.SentAt }).ToListAsync());
        Assert.All(rows, r => Assert.Equal((EmailStatus.Sent, 1), (r.Status, r.Attempts)));
        var times = rows.Select(r => r.SentAt!.Value).Order().ToList();
        Assert.All(times, t => Assert.True(times.Count(u => u >= t && u < t.AddMinutes(1)) <= 5));
    }

    [Fact]
    public async Task Two_instances_delivering_at_once_together_stay_within_the_accounts_rate()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var one = new CrmApp().WithSmtp(server.Port).With("Email:Delivery:BatchSize", "4");
        await using var two = new CrmApp().WithSmtp(server.Port).With("Email:Delivery:BatchSize", "4")
            .With("ConnectionStrings:Crm", one.Database.ConnectionString);
        var role = await SalesRoleAsync(one, Scope.All);
        await UserAsync(one, "manager@crm.test", role);
        var manager = await one.SignInAsync("manager@crm.test", Password);
        var owner = await one.InDatabaseAsync(db => db.Users.Where(u => u.Email == "manager@crm.test").Select(u => u.Id).SingleAsync());
        await ContactsAsync(one, 20, null, owner, "Paced", "paced");
        var account = await AddAccountAsync(manager, "Slow", server.Port, "slow@sales.test", rate: 6);
        await SentMailingAsync(manager, account, "Paced", "Hello");

        await Task.WhenAll(one.DrainAsync(), two.DrainAsync(), one.DrainAsync(), two.DrainAsync());
        Assert.Equal(6, server.Received.Count);
        Assert.Equal(6, server.Received.SelectMany(m => m.RcptTos).Distinct().Count());
    }

    [Fact]
    public async Task Messages_of_a_removed_account_are_blocked_and_its_bindings_go()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "manager@crm.test", role);
        var manager = await app.SignInAsync("manager@crm.test", Password);
        var owner = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "manager@crm.test").Select(u => u.Id).SingleAsync());
        await ContactsAsync(app, 2, null, owner, "Gone", "gone");
        var account = await AddAccountAsync(manager, "Short-lived", server.Port, "short@sales.test");
        await SentMailingAsync(manager, account, "Never", "Hello");

        Assert.Equal(HttpStatusCode.NoContent, (await manager.Http.DeleteAsync($"/api/v1/sending-accounts/{account}")).StatusCode);
        await app.DrainAsync();
        Assert.Empty(server.Received);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.MassContacts.CountAsync()));
        Assert.All(await app.InDatabaseAsync(db => db.OutgoingEmails.ToListAsync()), e => Assert.Equal(EmailStatus.Blocked, e.Status));
    }

    [GeneratedRegex(@"https?://\S+/unsubscribe\?token=\S+")]
    private static partial Regex LinkPattern();
}
