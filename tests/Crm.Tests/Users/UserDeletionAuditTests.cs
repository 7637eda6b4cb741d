using System.Globalization;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Mailings;
using Crm.Web.Features.Users;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.AuditKit;

namespace Crm.Tests.Users;

/// <summary>
/// Deleting a user removes their sending accounts (and the recipient bindings still on them)
/// through the change tracker, so each removal is in the audit trail, not left to the cascade.
/// </summary>
public sealed class UserDeletionAuditTests
{
    private const string ProtectedBlob = "CfDJ8-protected-password-blob";

    [Fact]
    public async Task Deleting_a_user_audits_the_removal_of_each_sending_account_and_its_remaining_bindings()
    {
        await using var app = new CrmApp();
        // Contacts stand in for the owned records: reassigned tracked, their bindings follow the receiver.
        await using var host = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddOwnedRecords(new OwnedRecords("contacts",
            (db, user, ct) => db.Contacts.CountAsync(c => c.OwnerId == user, ct),
            async (db, handover, ct) =>
            {
                var contacts = await db.Contacts.Where(c => c.OwnerId == handover.From).ToListAsync(ct);
                contacts.ForEach(c => c.OwnerId = handover.To);
                await MassContacts.FollowOwnerAsync(db, CrmModules.Contacts.Key, [.. contacts.Select(c => c.Id)], handover.To, ct);
            }))));
        _ = host.Server;
        var leaver = await app.CreateUserAsync("leaver@crm.test", "a good long passphrase");
        var receiver = await app.CreateUserAsync("receiver@crm.test", "a good long passphrase");
        var adminId = await app.AdminIdAsync();
        var moving = Assert.Single(await Mailings.MailingKit.ContactsAsync(app, 1, null, leaver.Id, "Moving", "moving"));
        var staying = Assert.Single(await Mailings.MailingKit.ContactsAsync(app, 1, null, adminId, "Staying", "staying"));
        var (main, spare, receiving, movingBinding, stayingBinding) = await app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            SendingAccount Account(Guid user, string name, string? password) => new()
            {
                UserId = user, Name = name, FromAddress = $"{name.Replace(' ', '.')}@sales.test", Host = "127.0.0.1", Port = 25,
                UserName = password is null ? null : "mailer", ProtectedPassword = password, RatePerMinute = 10, CreatedAt = now,
            };
            var accounts = new[] { Account(leaver.Id, "Leaver main", ProtectedBlob), Account(leaver.Id, "Leaver spare", null), Account(receiver.Id, "Receiver main", null) };
            db.SendingAccounts.AddRange(accounts);
            await db.SaveChangesAsync();
            var bindings = new[]
            {
                new MassContact { Module = CrmModules.Contacts.Key, RecordId = moving, SendingAccountId = accounts[0].Id, CreatedAt = now },
                new MassContact { Module = CrmModules.Contacts.Key, RecordId = staying, SendingAccountId = accounts[0].Id, CreatedAt = now },
            };
            db.MassContacts.AddRange(bindings);
            await db.SaveChangesAsync();
            return (accounts[0].Id, accounts[1].Id, accounts[2].Id, bindings[0].Id, bindings[1].Id);
        });

        var jar = new CookieJar();
        var admin = new PageClient(host.CreateDefaultClient(new Uri("http://localhost"), jar), jar);
        await admin.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        var mark = await MarkAsync(app);
        var response = await admin.Http.DeleteAsync($"/api/v1/users/{leaver.Id}?reassignTo={receiver.Id}");
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        var entries = await SinceAsync(app, mark);
        var mainEntry = One(entries, "sending-account", AuditActions.Deleted, Id(main));
        Assert.Equal("Leaver main", Old(mainEntry, "name"));
        Assert.Equal(AuditNames.SecretHidden, Old(mainEntry, "protectedPassword"));
        Assert.Equal("Leaver spare", Old(One(entries, "sending-account", AuditActions.Deleted, Id(spare)), "name"));
        Assert.Equal(2, entries.Count(e => e.EntityType == "sending-account"));
        Assert.All(entries, e => Assert.DoesNotContain(ProtectedBlob, e.Changes, StringComparison.Ordinal));

        // The binding of a record that moved follows the receiver; the one left on the account goes, audited.
        Assert.Equal(Id(main), Old(One(entries, "mass-contact", AuditActions.Deleted, Id(stayingBinding)), "sendingAccountId"));
        Assert.DoesNotContain(entries, e => e.EntityType == "mass-contact" && e.Action == AuditActions.Deleted && e.EntityId == Id(movingBinding));
        var (accountsLeft, bindingsLeft) = await app.InDatabaseAsync(async db => (
            await db.SendingAccounts.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(),
            await db.MassContacts.Select(m => new { m.Id, m.SendingAccountId }).ToListAsync()));
        Assert.Equal([receiving], accountsLeft);
        var kept = Assert.Single(bindingsLeft);
        Assert.Equal((movingBinding, receiving), (kept.Id, kept.SendingAccountId));
        Assert.Contains("sending accounts removed: 2", await app.InDatabaseAsync(db =>
            db.ActivityLog.Where(a => a.Kind == ActivityKinds.UserDeleted).Select(a => a.Summary).SingleAsync()), StringComparison.Ordinal);
        Assert.False(await app.InDatabaseAsync(db => db.Users.AnyAsync(u => u.Id == leaver.Id)));
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
