using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.AuditKit;
using static Crm.Tests.Mailings.MailingKit;

namespace Crm.Tests.Mailings;

/// <summary>
/// The audit trail's "every write path" rule for the mailing endpoints: a sending account added
/// (password only as a secret marker) and removed, a mailing sent with its first mass-contact
/// bindings, and an opt-out recorded by an anonymous recipient each leave their entries.
/// </summary>
public sealed partial class MailingAuditTests
{
    private const string AccountPassword = "harbour violet 93 kettle";

    [Fact]
    public async Task Sending_accounts_mailings_bindings_and_opt_outs_are_each_in_the_audit_trail()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        using var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await ContactsAsync(app, 2, null, adminId, "Reader", "reader");

        var mark = await MarkAsync(app);
        var account = await AddAccountAsync(admin, "Main", server.Port, "admin@sales.test", password: AccountPassword);
        var entries = await SinceAsync(app, mark);
        var added = One(entries, "sending-account", AuditActions.Created, account.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("admin@sales.test", New(added, "fromAddress"));
        Assert.Equal(AuditNames.SecretHidden, New(added, "protectedPassword"));
        Assert.DoesNotContain(AccountPassword, added.Changes, StringComparison.Ordinal);

        mark = await MarkAsync(app);
        var mailing = await SentMailingAsync(admin, account, "News", "Dear {{FirstName}}");
        entries = await SinceAsync(app, mark);
        Assert.Equal("News", New(One(entries, "mailing", AuditActions.Created, mailing.ToString(System.Globalization.CultureInfo.InvariantCulture)), "subject"));
        Assert.Equal(2, entries.Count(e => e.EntityType == "mass-contact" && e.Action == AuditActions.Created));
        Assert.All(entries.Where(e => e.EntityType == "mass-contact"), e => Assert.Equal(account.ToString(System.Globalization.CultureInfo.InvariantCulture), New(e, "sendingAccountId")));

        Assert.Equal(2, await app.DrainAsync());
        var message = Assert.Single(server.Received, m => m.RcptTos.Contains("reader1@mail.test"));
        var link = new Uri(LinkPattern().Match(message.Text).Value);
        mark = await MarkAsync(app);
        var stranger = app.NewClient();
        var (_, page) = await stranger.GetPageAsync(link.PathAndQuery);
        await stranger.SubmitAsync(page, [], "#unsubscribe-form");
        entries = await SinceAsync(app, mark);
        Assert.Equal("reader1@mail.test", New(One(entries, "mailing-opt-out", AuditActions.Created), "email"));

        mark = await MarkAsync(app);
        var removed = await admin.Http.DeleteAsync($"/api/v1/sending-accounts/{account}");
        Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        entries = await SinceAsync(app, mark);
        Assert.Equal("Main", Old(One(entries, "sending-account", AuditActions.Deleted), "name"));
        Assert.Equal(2, entries.Count(e => e.EntityType == "mass-contact" && e.Action == AuditActions.Deleted));
    }

    [GeneratedRegex(@"https?://\S+/unsubscribe\?token=\S+")]
    private static partial Regex LinkPattern();
}
