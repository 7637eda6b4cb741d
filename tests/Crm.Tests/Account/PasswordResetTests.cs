using System.Net;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;

namespace Crm.Tests.Account;

/// <summary>
/// Without an SMTP server (development), the reset link is written to one log line of its own
/// category; these tests cover that fallback. With a server it goes by email and is never logged:
/// see <see cref="Crm.Tests.Email.EmailDeliveryTests"/>.
/// </summary>
public sealed partial class PasswordResetTests
{
    [Fact]
    public async Task Without_smtp_a_reset_link_sets_a_new_password_once_and_its_token_is_logged_in_one_line_only()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("ann@crm.test", "forgotten passphrase");
        var session = await app.SignInAsync("ann@crm.test", "forgotten passphrase");
        var client = app.NewClient();

        var requested = await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "ann@crm.test" });
        Assert.Contains("is on its way", await requested.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var linkLine = Assert.Single(app.Log.Lines, l => l.Category == RequestPasswordReset.LinkLogCategory);
        var link = new Uri(LinkPattern().Match(linkLine.Message).Value);
        var token = Uri.UnescapeDataString(TokenPattern().Match(link.Query).Groups[1].Value);
        Assert.True(token.Length > 20);

        var (_, page) = await client.GetPageAsync(link.PathAndQuery);
        var reset = await client.SubmitAsync(page, new()
        {
            ["Input.NewPassword"] = "remembered passphrase",
            ["Input.ConfirmNewPassword"] = "remembered passphrase",
        });
        Assert.Equal("/account/sign-in?notice=password-reset", reset.Headers.Location!.OriginalString);

        // The new password works, the old one does not, and the earlier session has ended.
        await app.SignInAsync("ann@crm.test", "remembered passphrase");
        Assert.Equal(HttpStatusCode.Redirect, (await session.Http.GetAsync("/")).StatusCode);

        // The link is single-use.
        var (_, again) = await client.GetPageAsync(link.PathAndQuery);
        var reused = await client.SubmitAsync(again, new()
        {
            ["Input.NewPassword"] = "attacker passphrase 1",
            ["Input.ConfirmNewPassword"] = "attacker passphrase 1",
        });
        var reusedPage = await PageClient.ParseAsync(await reused.Content.ReadAsStringAsync());
        Assert.Contains(ResetPassword.InvalidLinkMessage, reusedPage.ValidationMessages());

        // The token (in any encoding) is in the link line and nowhere else in the log.
        var escaped = Uri.EscapeDataString(token);
        var carrying = app.Log.Lines.Where(l => (l.Message + l.Exception).Contains(token, StringComparison.Ordinal)
            || (l.Message + l.Exception).Contains(escaped, StringComparison.Ordinal)).ToList();
        Assert.Equal([linkLine], carrying);
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains("remembered passphrase", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Asking_for_a_reset_gives_the_same_answer_whether_or_not_the_account_exists()
    {
        await using var app = new CrmApp();
        var client = app.NewClient();

        var known = await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = CrmApp.AdminEmail });
        var unknown = await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "nobody@crm.test" });

        static async Task<string> Main(HttpResponseMessage r) =>
            (await PageClient.ParseAsync(await r.Content.ReadAsStringAsync())).QuerySelector("main")!.TextContent;
        Assert.Equal(await Main(known), await Main(unknown));
        Assert.Single(app.Log.Lines, l => l.Category == RequestPasswordReset.LinkLogCategory);
    }

    [Fact]
    public async Task A_forged_or_expired_link_is_refused_with_a_clear_message()
    {
        await using var app = new CrmApp();
        var user = await app.CreateUserAsync("ann@crm.test", "forgotten passphrase");
        var client = app.NewClient();

        foreach (var query in new[] { $"?user={user.Id}&token=forged", "?user=not-a-guid&token=x", $"?user={Guid.NewGuid()}&token=x", "" })
        {
            var (_, page) = await client.GetPageAsync("/account/reset-password" + query);
            var response = await client.SubmitAsync(page, new()
            {
                ["Input.NewPassword"] = "some new passphrase",
                ["Input.ConfirmNewPassword"] = "some new passphrase",
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(ResetPassword.InvalidLinkMessage, (await PageClient.ParseAsync(await response.Content.ReadAsStringAsync())).ValidationMessages());
        }

        await app.SignInAsync("ann@crm.test", "forgotten passphrase");
    }

    [Fact]
    public async Task A_configured_public_url_is_used_for_links_instead_of_the_host_header()
    {
        await using var app = new CrmApp().With("Crm:PublicUrl", "https://crm.example.com/");
        var client = app.NewClient();
        client.Http.DefaultRequestHeaders.Host = "evil.example";

        await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = CrmApp.AdminEmail });

        var line = Assert.Single(app.Log.Lines, l => l.Category == RequestPasswordReset.LinkLogCategory);
        Assert.Contains("https://crm.example.com/account/reset-password?", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_smtp_configured_the_reset_link_is_queued_as_an_email_and_not_logged()
    {
        // A closed port: the message waits in the queue (delivery is the email tests' subject).
        await using var app = new CrmApp()
            .With("Email:Smtp:Host", "127.0.0.1").With("Email:Smtp:Port", "9").With("Email:Smtp:Security", "None")
            .With("Email:Smtp:From", "crm@crm.test").With("Email:Delivery:Enabled", "false");
        var client = app.NewClient();

        await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = CrmApp.AdminEmail });
        await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "nobody@crm.test" });

        var queued = await app.InDatabaseAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.OutgoingEmails));
        var email = Assert.Single(queued);
        Assert.Equal((CrmApp.AdminEmail, "password-reset", Crm.Web.Features.Email.EmailStatus.Queued), (email.To, email.Purpose, email.Status));
        Assert.DoesNotContain("token=", email.ProtectedBody, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Log.Lines, l => l.Category == RequestPasswordReset.LinkLogCategory || l.Message.Contains("token=", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("token=([^&]+)")]
    private static partial Regex TokenPattern();
}
