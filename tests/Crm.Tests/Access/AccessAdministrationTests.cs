using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Access;

public sealed class AccessAdministrationTests
{
    private static async Task<Guid> SalesAgentAsync(CrmApp app, string email = "agent@crm.test")
    {
        var user = await app.CreateUserAsync(email, "a good long passphrase", name: "Ann Agent");
        var role = await app.InDatabaseAsync(db => db.Roles.Where(r => r.Name == "Sales agent").Select(r => r.Id).SingleAsync());
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.RoleId, role)));
        return user.Id;
    }

    private static async Task<JsonElement> ExplainAsync(PageClient admin, Guid user, string module, string action)
    {
        var response = await admin.Http.GetAsync($"/api/v1/access/explain?userId={user}&module={module}&action={action}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task The_explainer_shows_the_decision_and_the_chain_that_produced_it()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var admin = await app.SignInAsAdminAsync();

        var leads = await ExplainAsync(admin, agent, "leads", "edit");
        Assert.True(leads.GetProperty("allowed").GetBoolean());
        Assert.Equal("Own", leads.GetProperty("scope").GetString());
        Assert.Contains(leads.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "RoleGrant"
            && s.GetProperty("sentence").GetString()!.Contains("Sales agent", StringComparison.Ordinal));

        var export = await ExplainAsync(admin, agent, "contacts", "export");
        Assert.False(export.GetProperty("allowed").GetBoolean());

        var (_, page) = await admin.GetPageAsync($"/admin/access/explain?user={agent}&module=deals&action=delete");
        Assert.Contains("may not", page.QuerySelector("#answer")!.TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.QuerySelectorAll("#answer + ol li"));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()), k => k == ActivityKinds.AccessExplained);

        var bad = await admin.Http.GetAsync($"/api/v1/access/explain?userId={agent}&module=spaceships&action=fly");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"module\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_individual_override_wins_over_the_role_even_when_narrower()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var admin = await app.SignInAsAdminAsync();

        var (_, page) = await admin.GetPageAsync($"/admin/users/{agent}");
        var saved = await admin.SubmitAsync(page, new() { ["Grants[companies:view]"] = "None", ["Grants[deals:export]"] = "Own" }, "form[action$='handler=Overrides']");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        Assert.False((await ExplainAsync(admin, agent, "companies", "view")).GetProperty("allowed").GetBoolean());
        var export = await ExplainAsync(admin, agent, "deals", "export");
        Assert.True(export.GetProperty("allowed").GetBoolean());
        Assert.Contains(export.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "Override");

        var log = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.PermissionChanged).Select(a => a.Summary).ToListAsync());
        Assert.Contains(log, l => l.Contains("companies view: (role) → None", StringComparison.Ordinal));

        // Back to the role: an empty list removes every override.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.PutAsJsonAsync($"/api/v1/access/overrides/{agent}", Array.Empty<object>())).StatusCode);
        Assert.True((await ExplainAsync(admin, agent, "companies", "view")).GetProperty("allowed").GetBoolean());

        var adminId = await app.AdminIdAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.PutAsJsonAsync($"/api/v1/access/overrides/{adminId}", Array.Empty<object>())).StatusCode);
    }

    [Fact]
    public async Task A_group_widens_what_its_members_may_do()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.Http.PostAsJsonAsync("/api/v1/groups", new { name = "Key accounts", memberIds = new[] { agent } });
        var groupId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        Assert.Equal("Own", (await ExplainAsync(admin, agent, "deals", "view")).GetProperty("scope").GetString());

        var (_, page) = await admin.GetPageAsync($"/admin/groups/{groupId}/permissions");
        var saved = await admin.SubmitAsync(page, new() { ["Grants[deals:view]"] = "Department" });
        Assert.Equal($"/admin/groups/{groupId}/permissions?saved=true", saved.Headers.Location!.OriginalString);

        var view = await ExplainAsync(admin, agent, "deals", "view");
        Assert.Equal("Department", view.GetProperty("scope").GetString());
        Assert.Contains(view.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "GroupGrant"
            && s.GetProperty("sentence").GetString()!.Contains("Key accounts", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/groups/98765/permissions")).StatusCode);
    }

    [Fact]
    public async Task An_organisation_default_opens_a_module_to_everyone()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var admin = await app.SignInAsAdminAsync();
        Assert.False((await ExplainAsync(admin, agent, "emails", "edit")).GetProperty("allowed").GetBoolean());

        var saved = await admin.SubmitAsync("/admin/access/defaults", new() { ["Defaults[emails]"] = "PublicReadWrite" });
        Assert.Equal("/admin/access/defaults?saved=true", saved.Headers.Location!.OriginalString);

        var edit = await ExplainAsync(admin, agent, "emails", "edit");
        Assert.True(edit.GetProperty("allowed").GetBoolean());
        Assert.Contains(edit.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "OrganisationDefault");
        var defaults = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/access/defaults")).RootElement;
        Assert.Contains(defaults.EnumerateArray(), d => d.GetProperty("module").GetString() == "emails" && d.GetProperty("access").GetString() == "PublicReadWrite");

        var bogus = await admin.Http.PutAsJsonAsync("/api/v1/access/defaults", new[] { new { module = "spaceships", access = "PublicRead" } });
        Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
    }

    [Fact]
    public async Task A_preview_shows_the_crm_as_the_user_read_only_with_a_banner_and_is_logged()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var admin = await app.SignInAsAdminAsync();

        var (_, page) = await admin.GetPageAsync($"/admin/users/{agent}");
        var started = await admin.SubmitAsync(page, new(), "form[action$='handler=Preview']");
        Assert.Equal("/", started.Headers.Location!.OriginalString);

        var (_, home) = await admin.GetPageAsync("/");
        Assert.Contains("seeing the CRM as Ann Agent", home.QuerySelector(".preview-banner")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Welcome, Ann Agent", home.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.GetAsync("/admin/users")).StatusCode);

        // Nothing can be changed: not a form, not the API.
        var write = await admin.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = "a good long passphrase", ["Input.NewPassword"] = "hijacked passphrase", ["Input.ConfirmNewPassword"] = "hijacked passphrase",
        });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Http.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "x", newPassword = "y y y y y y" })).StatusCode);
        await app.SignInAsync("agent@crm.test", "a good long passphrase");

        var ended = await admin.SubmitAsync(home, new(), "form[action='/account/preview/end']");
        Assert.Equal($"/admin/users/{agent}", ended.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/admin/users")).StatusCode);
        var kinds = await app.InDatabaseAsync(db => db.ActivityLog.OrderBy(a => a.Id).Select(a => a.Kind).ToListAsync());
        Assert.Equal([ActivityKinds.PreviewStarted, ActivityKinds.PreviewEnded], kinds.Where(k => k.StartsWith("preview", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Staff_cannot_explain_preview_or_change_defaults()
    {
        await using var app = new CrmApp();
        var agent = await SalesAgentAsync(app);
        var staff = await app.SignInAsync("agent@crm.test", "a good long passphrase");

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync($"/api/v1/access/explain?userId={agent}&module=deals&action=view")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/access/explain")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/access/defaults")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync($"/api/v1/access/overrides/{agent}", new[] { new { module = "deals", action = "view", scope = "All" } })).StatusCode);
    }
}
