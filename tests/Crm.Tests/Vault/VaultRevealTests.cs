using System.Net;
using Crm.Tests.ApiTokens;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Vault;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Vault;

/// <summary>
/// Reveal and copy (issue 27): each one, by page or API, is in the activity log with who, which
/// entry, when and from where; past 10 minutes after the sign-in they are refused until the password
/// is confirmed (a wrong one is refused and counted); API tokens never reveal; the TOTP code shown is
/// the seed's current code.
/// </summary>
public sealed class VaultRevealTests
{
    private const string Secret = "Cinnamon-Glacier-3390";
    private const string Seed = "JBSWY3DPEHPK3PXP";

    [Fact]
    public async Task Every_reveal_and_copy_is_logged_and_a_stale_sign_in_must_confirm_the_password_first()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var category = await VaultKit.CategoryAsync(admin, "Social media");
        var entry = await VaultKit.EntryAsync(admin, category, "Company LinkedIn", Secret, totpSeed: "jbsw y3dp ehpk 3pxp");
        var member = await app.CreateUserAsync("mia@crm.test", Password, name: "Mia");
        await VaultKit.GrantAsync(admin, "entry", entry, $"\"userId\":\"{member.Id}\"", "view");
        var mia = await app.SignInAsync("mia@crm.test", Password);

        // Fresh from the sign-in: the page's Reveal, the API's reveal and copy all answer, each logged.
        var (page, document) = await VaultKit.PostEntryAsync(mia, entry, "Reveal");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(Secret, document.QuerySelector("#revealed-password")?.GetAttribute("value"));
        var expected = new Totp(Base32Encoding.ToBytes(Seed)).ComputeTotp(app.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(expected, document.QuerySelector("#totp-code")?.TextContent);
        var revealed = await (await mia.PostJsonAsync($"/api/v1/vault/{entry}/reveal", "{}")).ReadJsonAsync();
        Assert.Equal((Secret, Seed, expected), (revealed.GetProperty("password").GetString(), revealed.GetProperty("totpSeed").GetString(), revealed.GetProperty("totpCode").GetString()));
        var copied = await (await mia.PostJsonAsync($"/api/v1/vault/{entry}/copy", "{}")).ReadJsonAsync();
        Assert.Equal(Secret, copied.GetProperty("password").GetString());
        Assert.False(copied.TryGetProperty("notes", out var notes) && notes.ValueKind != System.Text.Json.JsonValueKind.Null, "a copy hands out more than the password");

        var logged = await app.InDatabaseAsync(db => db.ActivityLog.AsNoTracking()
            .Where(e => e.Kind == ActivityKinds.VaultRevealed || e.Kind == ActivityKinds.VaultCopied).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([ActivityKinds.VaultRevealed, ActivityKinds.VaultRevealed, ActivityKinds.VaultCopied], logged.Select(e => e.Kind));
        Assert.All(logged, e =>
        {
            Assert.Equal(member.Id, e.ActorUserId);
            Assert.Equal("Mia", e.ActorName);
            Assert.Contains($"'Company LinkedIn' (#{entry})", e.Summary, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(e.IpAddress));
            Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, e.At, TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(Secret, e.Summary, StringComparison.Ordinal);
        });

        // Eleven minutes on, the sign-in is stale: both paths refuse and ask for the password; nothing is logged.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var refused = await mia.PostJsonAsync($"/api/v1/vault/{entry}/reveal", "{}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Confirm your password", (await refused.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await mia.PostJsonAsync($"/api/v1/vault/{entry}/copy", "{}")).StatusCode);
        var (_, prompt) = await mia.GetPageAsync($"/vault/{entry}");
        Assert.NotNull(prompt.QuerySelector("#reveal-form input[name=Password][type=password]"));
        (page, document) = await VaultKit.PostEntryAsync(mia, entry, "Reveal");
        Assert.Null(document.QuerySelector("#revealed"));
        Assert.Contains(document.ValidationMessages(), m => m.Contains("Confirm your password", StringComparison.Ordinal));

        // A wrong password is refused on its field and counts towards the lockout.
        var wrong = await mia.PostJsonAsync($"/api/v1/vault/{entry}/reveal", """{"password":"not my password at all"}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.NotEmpty(await wrong.FieldErrorsAsync("password"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == member.Id).Select(u => u.AccessFailedCount).SingleAsync()));
        Assert.Equal(3, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.VaultRevealed || e.Kind == ActivityKinds.VaultCopied)));

        // The right password on the page's prompt reveals, and keeps the session fresh for the next ten minutes.
        (page, document) = await VaultKit.PostEntryAsync(mia, entry, "Reveal", Password);
        Assert.Equal(Secret, document.QuerySelector("#revealed-password")?.GetAttribute("value"));
        Assert.Equal(HttpStatusCode.OK, (await mia.PostJsonAsync($"/api/v1/vault/{entry}/copy", "{}")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.Reauthenticated && e.ActorUserId == member.Id)));
        Assert.Equal(5, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.VaultRevealed || e.Kind == ActivityKinds.VaultCopied)));

        // An API token of the same user lists the entry but never reveals it. (Creating the token needs
        // a fresh sign-in too: the administrator's is as stale as Mia's was.)
        var token = await TokenKit.CreateOnPageAsync(await app.SignInAsAdminAsync(), "Vault reader", member.Id);
        var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/v1/vault/{entry}")).StatusCode);
        var byToken = await integration.PostAsync($"/api/v1/vault/{entry}/reveal", ApiJson.Body($$"""{"password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, byToken.StatusCode);
        Assert.Equal(RevealVaultEntry.TokensRefused, (await byToken.ReadJsonAsync()).GetProperty("title").GetString());
    }
}
