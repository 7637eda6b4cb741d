using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.ApiTokens;
using Crm.Tests.Infrastructure;
using Crm.Tests.Vault;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Offboarding;
using Crm.Web.Features.Users;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Offboarding;

/// <summary>
/// The offboarding wizard through its pages and through the API: after it the leaver cannot sign
/// in, their tokens answer 401, every registered module's records belong to the receiver, and the
/// summary lists what was done; staff reach none of it; bad receivers are refused field by field.
/// </summary>
public sealed class OffboardingTests
{
    private const string Password = "a good long passphrase";

    /// <summary>One record of every module that registers owned records, owned by the leaver; their module keys.</summary>
    private static async Task<IReadOnlySet<string>> RecordsOfEveryModuleAsync(CrmApp app, PageClient admin, Guid leaver)
    {
        var company = await CompanyAsync(app, "Leaver Ltd", leaver, null);
        var contact = await ContactAsync(app, "Lea", "Client", company, leaver, null);
        await ContactAsync(app, "Loose", "Contact", null, leaver, null);
        await ObjectKit.LeadAsync(app, "Lee", "Prospect", "Prospect plc", leaver, null);
        await ObjectKit.DealAsync(app, "Big deal", leaver, null, company);
        await ObjectKit.ProductAsync(app, "P-1", "Widget", leaver, null);
        await ObjectKit.EmailAsync(app, "Hello", leaver, null);
        await Records.LinkedRecordWorld.TaskAsync(app, "Call back", leaver, null);
        await Records.LinkedRecordWorld.MemoAsync(app, "Handover notes", leaver, leaver, null, null, null);
        var upload = await admin.UploadAsync(CrmModules.Contacts.Key, contact, "cv.txt", "curriculum"u8.ToArray());
        Assert.True(upload.IsSuccessStatusCode, $"upload: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        await app.InDatabaseAsync(db => db.FileObjects.ExecuteUpdateAsync(f => f.SetProperty(x => x.OwnerId, leaver)));
        return new HashSet<string>
        {
            CrmModules.Companies.Key, CrmModules.Contacts.Key, CrmModules.Leads.Key, CrmModules.Deals.Key, CrmModules.Products.Key,
            CrmModules.Emails.Key, CrmModules.Tasks.Key, CrmModules.Memos.Key, CrmModules.Files.Key,
        };
    }

    /// <summary>Each registered kind of owned record: (module, the leaver's count, the receiver's count).</summary>
    private static async Task<List<(string Module, int Leaver, int Receiver)>> OwnersAsync(CrmApp app, Guid leaver, Guid receiver)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var counts = new List<(string, int, int)>();
        foreach (var kind in scope.ServiceProvider.GetServices<OwnedRecords>())
        {
            counts.Add((kind.Title, await kind.CountAsync(db, leaver, default), await kind.CountAsync(db, receiver, default)));
        }

        return counts;
    }

    private static async Task<HttpResponseMessage> SubmitStepAsync(PageClient admin, Guid leaver, string formId, Dictionary<string, string> values, string? handler = null)
    {
        var (response, page) = await admin.GetPageAsync($"/admin/users/{leaver}/offboard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await SubmitOnAsync(admin, page, formId, values, handler);
    }

    /// <summary>Submits the form as its button <paramref name="handler"/> would (a button's formaction wins over the form's action).</summary>
    private static Task<HttpResponseMessage> SubmitOnAsync(PageClient admin, IDocument page, string formId, Dictionary<string, string> values, string? handler = null)
    {
        if (handler is not null)
        {
            var form = page.QuerySelector<IHtmlFormElement>(formId)!;
            var button = form.QuerySelectorAll("button[formaction]").FirstOrDefault(b => b.GetAttribute("formaction")!.EndsWith("handler=" + handler, StringComparison.Ordinal));
            // Without the button (Reassign shows after a preview), posted as a hand-made request would be.
            form.SetAttribute("action", button?.GetAttribute("formaction") ?? form.GetAttribute("action")!.Split('?')[0] + "?handler=" + handler);
        }

        return admin.SubmitAsync(page, values, formId);
    }

    [Fact]
    public async Task The_wizard_pages_take_a_leaver_out_hand_everything_over_and_print_what_was_done()
    {
        await using var app = new CrmApp();
        var leaver = await app.CreateUserAsync("lea@crm.test", Password, name: "Lea Leaving");
        var receiver = await app.CreateUserAsync("rob@crm.test", Password, name: "Rob Receiving");
        var admin = await app.SignInAsAdminAsync();
        var modules = await RecordsOfEveryModuleAsync(app, admin, leaver.Id);
        var token = (await TokenKit.CreateByApiAsync(admin, "Leaver's spreadsheet sync", leaver.Id)).GetProperty("token").GetString()!;
        var category = await VaultKit.CategoryAsync(admin, "Suppliers");
        await VaultKit.EntryAsync(admin, category, "Supplier portal", "s3cret-portal");
        await VaultKit.EntryAsync(admin, category, "Router", "s3cret-router");
        await VaultKit.GrantAsync(admin, "category", category, $"\"userId\":\"{leaver.Id}\"", "view");
        var leaversBrowser = await app.SignInAsync("lea@crm.test", Password);
        var integration = TokenKit.Integration(app, token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);

        // Every registered module is among those the leaver holds: a new one has to be added above.
        Assert.Equal(modules.Order(), (await OwnersAsync(app, leaver.Id, receiver.Id)).Select(o => o.Module).Order());

        // Reachable from the user's page; the holdings are listed before anything happens.
        var (_, userPage) = await admin.GetPageAsync($"/admin/users/{leaver.Id}");
        Assert.NotNull(userPage.QuerySelector($"a[href='/admin/users/{leaver.Id}/offboard']"));
        var (_, wizard) = await admin.GetPageAsync($"/admin/users/{leaver.Id}/offboard");
        var held = wizard.QuerySelector("#step-holdings")!.TextContent;
        Assert.Contains("Supplier portal", held, StringComparison.Ordinal);
        Assert.Contains("Router", held, StringComparison.Ordinal);
        Assert.Contains("Leaver's spreadsheet sync", held, StringComparison.Ordinal);
        Assert.Contains("Call back", held, StringComparison.Ordinal);
        Assert.Equal(4, wizard.QuerySelectorAll(".badge.text-bg-warning").Length);

        // 1. Deactivate: the session, the token and sign-in stop at once.
        var deactivated = await SubmitOnAsync(admin, wizard, "#deactivate-form", []);
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        var next = await leaversBrowser.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith("/account/sign-in", next.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/v1/me")).StatusCode);
        var signIn = await app.NewClient().SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "lea@crm.test", ["Input.Password"] = Password });
        Assert.Contains((await PageClient.ParseAsync(await signIn.Content.ReadAsStringAsync())).ValidationMessages(), m => m.Contains("deactivated", StringComparison.Ordinal));

        // 3. Preview first: counts, nothing moved.
        var preview = await SubmitStepAsync(admin, leaver.Id, "#reassign-form", new() { ["ReceiverId"] = receiver.Id.ToString() }, "Preview");
        var previewPage = await PageClient.ParseAsync(await preview.Content.ReadAsStringAsync());
        Assert.Contains("Rob Receiving", previewPage.QuerySelector("#reassign-preview")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("contacts: 2", previewPage.QuerySelector("#reassign-preview")!.TextContent, StringComparison.Ordinal);
        Assert.All(await OwnersAsync(app, leaver.Id, receiver.Id), o => Assert.Equal(0, o.Receiver));

        // The confirmation carries the previewed receiver.
        Assert.Equal(receiver.Id.ToString(), previewPage.QuerySelector<IHtmlInputElement>("#ReceiverId")!.Value);
        var reassigned = await SubmitOnAsync(admin, previewPage, "#reassign-form", [], "Reassign");
        Assert.Equal(HttpStatusCode.Redirect, reassigned.StatusCode);
        Assert.All(await OwnersAsync(app, leaver.Id, receiver.Id), o => Assert.True(o.Leaver == 0 && o.Receiver > 0, $"{o.Module}: leaver {o.Leaver}, receiver {o.Receiver}"));

        // 4. Tokens revoked for good.
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitStepAsync(admin, leaver.Id, "#tokens-form", [])).StatusCode);
        Assert.NotNull(await app.InDatabaseAsync(db => db.ApiTokens.Select(t => t.RevokedAt).SingleAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/v1/me")).StatusCode);

        // 5. The checklist: one default ticked first (not done yet), then everything with another system.
        var partly = await SubmitStepAsync(admin, leaver.Id, "#checklist-form", new() { ["Items[0].Revoked"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, partly.StatusCode);
        var (_, resumed) = await admin.GetPageAsync($"/admin/users/{leaver.Id}/offboard");
        Assert.NotNull(resumed.QuerySelector("#step-external-systems .badge.text-bg-warning"));
        Assert.True(resumed.QuerySelector<IHtmlInputElement>("#Items_0__Revoked")!.IsChecked);
        var all = await SubmitOnAsync(admin, resumed, "#checklist-form", new()
        {
            ["Items[0].Revoked"] = "true", ["Items[1].Revoked"] = "true", ["Items[2].Name"] = "Cloud drive", ["Items[2].Revoked"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);

        // Re-opened, the wizard shows every step done; the summary lists what, when and by whom.
        var (_, done) = await admin.GetPageAsync($"/admin/users/{leaver.Id}/offboard");
        Assert.Equal(4, done.QuerySelectorAll(".offboarding-done").Length);
        Assert.Empty(done.QuerySelectorAll(".badge.text-bg-warning"));
        var (summaryResponse, summary) = await admin.GetPageAsync($"/admin/users/{leaver.Id}/offboard/summary");
        Assert.Equal(HttpStatusCode.OK, summaryResponse.StatusCode);
        var steps = summary.QuerySelector("#summary-steps")!.TextContent;
        Assert.DoesNotContain("Not done", steps, StringComparison.Ordinal);
        Assert.Contains("Moved to Rob Receiving", steps, StringComparison.Ordinal);
        Assert.Contains("Revoked 1 API token(s): \"Leaver's spreadsheet sync\"", steps, StringComparison.Ordinal);
        Assert.Contains("Administrator", steps, StringComparison.Ordinal);
        var checklist = summary.QuerySelector("#summary-checklist")!.TextContent;
        foreach (var system in new[] { "Corporate email", "VPN", "Cloud drive" })
        {
            Assert.Contains(system, checklist, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Not yet", checklist, StringComparison.Ordinal);
        Assert.Contains("Records: 0", summary.QuerySelector("#summary-held")!.TextContent, StringComparison.Ordinal);

        // Audited: the deactivation, the revocation and the wizard's own steps are in the activity log.
        var kinds = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.SubjectUserId == leaver.Id).Select(a => a.Kind).ToListAsync());
        Assert.Contains(ActivityKinds.UserDeactivated, kinds);
        Assert.Contains(ActivityKinds.TokenRevoked, kinds);
        Assert.Equal(3, kinds.Count(k => k == ActivityKinds.Offboarding));
    }

    [Fact]
    public async Task The_api_runs_the_same_steps_and_answers_the_state_after_each()
    {
        await using var app = new CrmApp();
        var leaver = await app.CreateUserAsync("lea@crm.test", Password, name: "Lea Leaving");
        var receiver = await app.CreateUserAsync("rob@crm.test", Password, name: "Rob Receiving");
        var admin = await app.SignInAsAdminAsync();
        await RecordsOfEveryModuleAsync(app, admin, leaver.Id);
        var token = (await TokenKit.CreateByApiAsync(admin, "Leaver's sync", leaver.Id)).GetProperty("token").GetString()!;
        var integration = TokenKit.Integration(app, token);
        var url = $"/api/v1/users/{leaver.Id}/offboarding";

        var before = await admin.Http.GetFromJsonAsync<JsonElement>(url);
        Assert.All(before.GetProperty("steps").EnumerateArray(), s => Assert.False(s.GetProperty("done").GetBoolean()));
        Assert.Equal(2, before.GetProperty("holdings").GetProperty("records").EnumerateArray().Single(r => r.GetProperty("title").GetString() == "contacts").GetProperty("count").GetInt32());
        Assert.Equal(["Corporate email", "VPN"], before.GetProperty("checklist").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"{url}/deactivate", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/v1/me")).StatusCode);

        var dryRun = await admin.PostJsonAsync($"{url}/reassign?dryRun=true", $$"""{"receiverId":"{{receiver.Id}}"}""");
        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var counted = await dryRun.ReadJsonAsync();
        Assert.False(counted.GetProperty("done").GetBoolean());
        Assert.Equal(10, counted.GetProperty("total").GetInt32());
        Assert.All(await OwnersAsync(app, leaver.Id, receiver.Id), o => Assert.Equal(0, o.Receiver));

        var moved = await admin.PostJsonAsync($"{url}/reassign", $$"""{"receiverId":"{{receiver.Id}}"}""");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(10, (await moved.ReadJsonAsync()).GetProperty("total").GetInt32());
        Assert.All(await OwnersAsync(app, leaver.Id, receiver.Id), o => Assert.True(o.Leaver == 0 && o.Receiver > 0, o.Module));

        var revoked = await admin.PostJsonAsync($"{url}/revoke-tokens", "{}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal("Leaver's sync", (await revoked.ReadJsonAsync()).GetProperty("revoked")[0].GetProperty("name").GetString());

        var checklist = await admin.PutJsonAsync($"{url}/checklist",
            """{"items":[{"name":"Corporate email","revoked":true},{"name":"VPN","revoked":true},{"name":"Phone system","revoked":true}]}""");
        Assert.Equal(HttpStatusCode.OK, checklist.StatusCode);

        var after = await admin.Http.GetFromJsonAsync<JsonElement>(url);
        Assert.True(after.GetProperty("complete").GetBoolean());
        Assert.All(after.GetProperty("steps").EnumerateArray(), s => Assert.Equal("Administrator", s.GetProperty("doneBy").GetString()));
        Assert.Equal(0, after.GetProperty("holdings").GetProperty("liveTokens").GetInt32());
        Assert.Equal(3, after.GetProperty("checklist").EnumerateArray().Count(c => c.GetProperty("revoked").GetBoolean()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/v1/me")).StatusCode);

        // An offboarded account can still be deleted later: its wizard state goes with it.
        var deleted = await admin.Http.DeleteAsync($"/api/v1/users/{leaver.Id}?reassignTo={receiver.Id}");
        Assert.True(deleted.IsSuccessStatusCode, $"{deleted.StatusCode}: {await deleted.Content.ReadAsStringAsync()}");
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<OffboardingStep>().ToListAsync()));
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<OffboardingCheck>().ToListAsync()));
    }

    [Fact]
    public async Task A_bad_receiver_is_refused_with_a_message_on_the_field_and_changes_nothing()
    {
        await using var app = new CrmApp();
        var leaver = await app.CreateUserAsync("lea@crm.test", Password, name: "Lea Leaving");
        var gone = await app.CreateUserAsync("gone@crm.test", Password, name: "Gus Gone");
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        var receiver = await app.CreateUserAsync("rob@crm.test", Password, name: "Rob Receiving");
        var admin = await app.SignInAsAdminAsync();
        var company = await CompanyAsync(app, "Leaver Ltd", leaver.Id, null);
        var url = $"/api/v1/users/{leaver.Id}/offboarding";

        // Still active: the hand-over waits for the deactivation.
        var early = await admin.PostJsonAsync($"{url}/reassign", $$"""{"receiverId":"{{receiver.Id}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("Deactivate the account first", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"{url}/deactivate", "{}")).StatusCode);

        var cases = new (string Body, string Message)[]
        {
            ("{}", "Choose the active user"),
            ($$"""{"receiverId":"{{Guid.NewGuid()}}"}""", "There is no user with this ID"),
            ($$"""{"receiverId":"{{gone.Id}}"}""", "Gus Gone is deactivated"),
            ($$"""{"receiverId":"{{leaver.Id}}"}""", "Lea Leaving is the person leaving"),
        };
        foreach (var (body, message) in cases)
        {
            foreach (var dryRun in new[] { "?dryRun=true", "" })
            {
                var response = await admin.PostJsonAsync($"{url}/reassign{dryRun}", body);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var problem = await response.ReadJsonAsync();
                Assert.Contains(message, problem.GetProperty("errors").GetProperty("receiverId")[0].GetString(), StringComparison.Ordinal);
            }

            var page = await SubmitStepAsync(admin, leaver.Id, "#reassign-form",
                new() { ["ReceiverId"] = JsonDocument.Parse(body).RootElement.TryGetProperty("receiverId", out var id) ? id.GetString()! : "" }, "Reassign");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(message, (await PageClient.ParseAsync(await page.Content.ReadAsStringAsync())).FieldError("ReceiverId"), StringComparison.Ordinal);
        }

        var malformed = await admin.PostJsonAsync($"{url}/reassign", """{"receiverId":"not a guid"}""");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var longName = await admin.PutJsonAsync($"{url}/checklist", $$"""{"items":[{"name":"{{new string('x', 101)}}","revoked":true},{"name":"VPN"},{"name":"vpn"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, longName.StatusCode);
        var errors = (await longName.ReadJsonAsync()).GetProperty("errors");
        Assert.Contains("at most 100 characters", errors.GetProperty("items[0].name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("already on the checklist", errors.GetProperty("items[2].name")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(leaver.Id, await app.InDatabaseAsync(db => db.Companies.Where(c => c.Id == company).Select(c => c.OwnerId).SingleAsync()));
        Assert.Equal([OffboardingSteps.Deactivate], await app.InDatabaseAsync(db => db.Set<OffboardingStep>().Select(s => s.Step).ToListAsync()));
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<OffboardingCheck>().ToListAsync()));
        Assert.DoesNotContain(ActivityKinds.Offboarding, await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()));
    }

    [Fact]
    public async Task Staff_reach_no_step_by_page_or_api()
    {
        await using var app = new CrmApp();
        var leaver = await app.CreateUserAsync("lea@crm.test", Password);
        var receiver = await app.CreateUserAsync("rob@crm.test", Password);
        await app.CreateUserAsync("staff@crm.test", Password);
        var staff = await app.SignInAsync("staff@crm.test", Password);
        var token = await VaultKit.AntiforgeryAsync(staff);
        var url = $"/api/v1/users/{leaver.Id}/offboarding";

        foreach (var page in new[] { $"/admin/users/{leaver.Id}/offboard", $"/admin/users/{leaver.Id}/offboard/summary", url })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync(page)).StatusCode);
        }

        foreach (var handler in new[] { "Deactivate", "Preview", "Reassign", "RevokeTokens", "Checklist" })
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["ReceiverId"] = receiver.Id.ToString(), ["Items[0].Name"] = "VPN", ["Items[0].Revoked"] = "true" });
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync($"/admin/users/{leaver.Id}/offboard?handler={handler}", form)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync($"{url}/deactivate", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync($"{url}/reassign?dryRun=true", $$"""{"receiverId":"{{receiver.Id}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync($"{url}/reassign", $$"""{"receiverId":"{{receiver.Id}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync($"{url}/revoke-tokens", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutJsonAsync($"{url}/checklist", """{"items":[{"name":"VPN","revoked":true}]}""")).StatusCode);

        Assert.True(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == leaver.Id).Select(u => u.IsActive).SingleAsync()));
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<OffboardingStep>().ToListAsync()));
        Assert.Empty(await app.InDatabaseAsync(db => db.Set<OffboardingCheck>().ToListAsync()));

        // An unknown user is a 404 for an administrator, on the page and the API.
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync($"/admin/users/{Guid.NewGuid()}/offboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync($"/api/v1/users/{Guid.NewGuid()}/offboarding")).StatusCode);
    }

    [Fact]
    public async Task A_failure_half_way_through_the_reassignment_moves_nothing()
    {
        await using var app = new CrmApp();
        await using var failing = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddOwnedRecords(new OwnedRecords("broken", (_, _, _) => Task.FromResult(1), (_, _, _) => throw new InvalidOperationException("disk full")))));
        _ = failing.Server;
        var leaver = await app.CreateUserAsync("lea@crm.test", Password);
        var receiver = await app.CreateUserAsync("rob@crm.test", Password);
        var company = await CompanyAsync(app, "Leaver Ltd", leaver.Id, null);
        var jar = new CookieJar();
        var admin = new PageClient(failing.CreateDefaultClient(new Uri("http://localhost"), jar), jar);
        await admin.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = CrmApp.AdminEmail, ["Input.Password"] = CrmApp.AdminPassword });
        var url = $"/api/v1/users/{leaver.Id}/offboarding";
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostJsonAsync($"{url}/deactivate", "{}")).StatusCode);

        var response = await admin.PostJsonAsync($"{url}/reassign", $$"""{"receiverId":"{{receiver.Id}}"}""");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(leaver.Id, await app.InDatabaseAsync(db => db.Companies.Where(c => c.Id == company).Select(c => c.OwnerId).SingleAsync()));
        Assert.Equal([OffboardingSteps.Deactivate], await app.InDatabaseAsync(db => db.Set<OffboardingStep>().Select(s => s.Step).ToListAsync()));
        Assert.DoesNotContain(ActivityKinds.Offboarding, await app.InDatabaseAsync(db => db.ActivityLog.Select(a => a.Kind).ToListAsync()));
    }
}
