using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Tests.Records;
using Crm.Tests.Sharing;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.WhatIf;

/// <summary>
/// "What if" before a permission change (issue 29): for each kind of change, the preview
/// (<c>?dryRun=true</c>) changes nothing, is recorded in the activity log, and its per-user counts
/// of deals newly seen and no longer seen are exactly the difference in each person's deal list
/// (the real list endpoint) once the same change is saved: a role's grants and field rules, a user's
/// role, a group's grants and members, an override, a sharing rule, a record share (whose preview
/// names who would gain access) and the organisation defaults; profiles are proven in
/// <c>ProfileTests</c>. Bad input is refused by the preview with the save's own messages.
/// </summary>
public sealed class WhatIfTests
{
    [Fact]
    public async Task Each_kind_of_change_previews_exactly_what_saving_it_does()
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var people = new Dictionary<string, Guid> { ["owner"] = org.Owner, ["ann"] = org.Ann, ["bob"] = org.Bob, ["cid"] = org.Cid, ["dan"] = org.Dan, ["eve"] = org.Eve };
        await ObjectKit.DealAsync(app, "Owner's", org.Owner, org.Sales);
        await ObjectKit.DealAsync(app, "Cid's", org.Cid, org.Sales);
        await ObjectKit.DealAsync(app, "Cid's second", org.Cid, org.Sales);
        await ObjectKit.DealAsync(app, "Ann's", org.Ann, org.SupportDesk);
        await ObjectKit.DealAsync(app, "Bob's", org.Bob, org.Support);
        await ObjectKit.DealAsync(app, "Eve's", org.Eve, null);
        var admin = await app.SignInAsAdminAsync();
        var clients = new Dictionary<string, PageClient>();
        foreach (var person in people.Keys)
        {
            clients[person] = await app.SignInAsync($"{person}@crm.test", Password);
        }

        async Task<Dictionary<string, List<int>>> ListsAsync()
        {
            var lists = new Dictionary<string, List<int>>();
            foreach (var (person, client) in clients)
            {
                lists[person] = await client.ListIdsAsync("/api/v1/deals");
            }

            return lists;
        }

        var previews = 0;
        async Task<JsonElement> StepAsync(string what, Func<string, Task<HttpResponseMessage>> send, params string[] changed)
        {
            var before = await ListsAsync();
            var previewed = await send("?dryRun=true");
            Assert.True(previewed.StatusCode == HttpStatusCode.OK, $"{what}: the preview answered {previewed.StatusCode}: {await previewed.Content.ReadAsStringAsync()}");
            var preview = await previewed.ReadJsonAsync();
            previews++;
            Assert.Equal(previews, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.AccessExplained && e.Summary.StartsWith("Previewed a permission change"))));
            Assert.Equal(before, await ListsAsync());

            var saved = await send("");
            Assert.True(saved.IsSuccessStatusCode, $"{what}: the save answered {saved.StatusCode}");
            var after = await ListsAsync();
            var users = preview.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("userId").GetGuid());
            foreach (var (person, id) in people)
            {
                var gained = after[person].Except(before[person]).Count();
                var lost = before[person].Except(after[person]).Count();
                var deals = users.TryGetValue(id, out var user)
                    ? user.GetProperty("records").EnumerateArray().FirstOrDefault(r => r.GetProperty("module").GetString() == "deals")
                    : default;
                var (previewGained, previewLost) = deals.ValueKind == JsonValueKind.Object ? (deals.GetProperty("gained").GetInt32(), deals.GetProperty("lost").GetInt32()) : (0, 0);
                Assert.True((gained, lost) == (previewGained, previewLost), $"{what}: {person} gained {gained} and lost {lost} deals, the preview said {previewGained} and {previewLost}");
                Assert.True(changed.Contains(person) == users.ContainsKey(id), $"{what}: {person} is {(users.ContainsKey(id) ? "" : "not ")}in the preview");
            }

            return preview;
        }

        // A role's grants: sellers see their department's deals.
        var sellerGrants = SharingOrg.OwnOnly.Select(g => new { module = g.Item1, action = g.Item2, scope = (g.Item1, g.Item2) == ("deals", "view") ? "Department" : g.Item3.ToString() }).ToArray();
        var role = await StepAsync("role grants", q => admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/grants{q}", sellerGrants), "owner", "cid", "dan");
        var dan = role.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetGuid() == org.Dan);
        var right = Assert.Single(dan.GetProperty("rights").EnumerateArray());
        Assert.Equal(("deals", "view", "Own", "Department"), (right.Text("module"), right.Text("action"), right.Text("before"), right.Text("after")));
        Assert.Contains("3 users newly see 6 deals", role.GetProperty("summary").GetString(), StringComparison.Ordinal);

        // The same on the role's page: Preview beside Save shows the table and keeps the posted matrix, saving nothing.
        var beforePage = await ListsAsync();
        var (page, roleDocument) = await PreviewOnPageAsync(admin, $"/admin/roles/{org.Seller}", "GrantsPreview",
            SharingOrg.OwnOnly.ToDictionary(g => $"Grants[{g.Item1}:{g.Item2}]", g => g.Item3.ToString()));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("3 users lose sight of 6 deals", roleDocument.QuerySelector("#what-if")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Own", roleDocument.QuerySelector<IHtmlSelectElement>("select[name='Grants[deals:view]']")!.Value);
        Assert.Equal(beforePage, await ListsAsync());
        previews++;

        // A role's field rules: no record changes hands, the field does.
        var fields = await StepAsync("role field rules", q => admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/field-rules{q}", new[] { new { module = "deals", field = "amount", access = "Hidden" } }), "owner", "cid", "dan");
        var hidden = Assert.Single(fields.GetProperty("users").EnumerateArray().First().GetProperty("fields").EnumerateArray());
        Assert.Equal(("amount", "editable", "hidden"), (hidden.Text("field"), hidden.Text("before"), hidden.Text("after")));

        // A user's role: Dan becomes an outsider and loses his colleagues' deals.
        var danUser = new { email = "dan@crm.test", fullName = "dan", roleId = org.Seller, departmentIds = new[] { org.Sales }, primaryDepartmentId = org.Sales, groupIds = Array.Empty<int>(), isAdministrator = false };
        await StepAsync("user role", q => admin.Http.PutAsJsonAsync($"/api/v1/users/{org.Dan}{q}", danUser with { roleId = org.Lead }), "dan");

        // A group's grants, then its members.
        await StepAsync("group grants", q => admin.Http.PutAsJsonAsync($"/api/v1/groups/{org.KeyAccounts}/grants{q}", new[] { new { module = "deals", action = "view", scope = "All" } }), "ann", "cid");
        await StepAsync("group members", q => admin.PatchJsonAsync($"/api/v1/groups/{org.KeyAccounts}{q}", $$"""{"memberIds":["{{org.Ann}}","{{org.Cid}}","{{org.Bob}}"]}"""), "bob");

        // An individual override narrows Ann back to her own deals.
        await StepAsync("overrides", q => admin.Http.PutAsJsonAsync($"/api/v1/access/overrides/{org.Ann}{q}", new[] { new { module = "deals", action = "view", scope = "Own" } }), "ann");

        // A sharing rule: the deals of the Outsider role's members (Eve's) are opened to the Sales department.
        // Cid is in Sales too, but sees every deal already (his group's grant): he is not in the preview.
        var ruleBody = $$"""{"module":"deals","fromRoleId":{{org.Outsider}},"toDepartmentId":{{org.Sales}},"access":"read"}""";
        var rule = await StepAsync("sharing rule", q => admin.PostJsonAsync($"/api/v1/access/sharing-rules{q}", ruleBody), "owner", "dan");
        Assert.Contains("2 users newly see 2 deals", rule.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.SharingRules.CountAsync()));

        // A share: the owner shares her deal with the Lead role and the roles below it. The preview (the
        // owner's own, not an administrator's) names who would gain access; after the save, exactly they
        // see one deal more. Bob sees every deal already: he is not named.
        var ownersDeal = await app.InDatabaseAsync(db => db.Deals.Where(d => d.Title == "Owner's").Select(d => d.Id).SingleAsync());
        var shareBody = $$"""{{{org.TargetJson("role Lead and below")}},"access":"read"}""";
        var beforeShare = await ListsAsync();
        var sharePreview = await clients["owner"].PostJsonAsync($"/api/v1/deals/{ownersDeal}/shares?dryRun=true", shareBody);
        Assert.Equal(HttpStatusCode.OK, sharePreview.StatusCode);
        var gainers = (await sharePreview.ReadJsonAsync()).GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("userId").GetGuid(), c => (c.Text("before"), c.Text("after")));
        Assert.Equal(beforeShare, await ListsAsync());
        Assert.Equal(0, await app.InDatabaseAsync(db => db.RecordShares.CountAsync()));
        Assert.Equal(HttpStatusCode.Created, (await clients["owner"].PostJsonAsync($"/api/v1/deals/{ownersDeal}/shares", shareBody)).StatusCode);
        var afterShare = await ListsAsync();
        foreach (var (person, id) in people)
        {
            var gained = afterShare[person].Except(beforeShare[person]).ToList();
            Assert.Empty(beforeShare[person].Except(afterShare[person]));
            Assert.True(gainers.ContainsKey(id) == (gained.Count == 1), $"share: {person} gained {gained.Count} deals, the preview {(gainers.ContainsKey(id) ? "names" : "does not name")} them");
            Assert.True(gained.Count == 0 || gained.Single() == ownersDeal, $"share: {person} gained another deal");
            Assert.True(!gainers.TryGetValue(id, out var change) || change == ("none", "view"), $"share: {person} previewed as {change}");
        }

        Assert.Equal(2, gainers.Count);

        // The organisation default opens every deal to everyone.
        await StepAsync("defaults", q => admin.Http.PutAsJsonAsync($"/api/v1/access/defaults{q}", new[] { new { module = "deals", access = "PublicRead" } }), "owner", "ann", "dan", "eve");

        // Bad input: the preview refuses it with the save's own messages, and nothing is logged or changed.
        var grantsBefore = await app.InDatabaseAsync(db => db.RoleGrants.CountAsync());
        var bogus = new[] { new { module = "spaceships", action = "fly", scope = "All" } };
        var refusedPreview = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/grants?dryRun=true", bogus);
        var refusedSave = await admin.Http.PutAsJsonAsync($"/api/v1/roles/{org.Seller}/grants", bogus);
        Assert.Equal(HttpStatusCode.BadRequest, refusedPreview.StatusCode);
        Assert.Equal((await refusedSave.ReadJsonAsync()).GetProperty("errors").GetRawText(), (await refusedPreview.ReadJsonAsync()).GetProperty("errors").GetRawText());
        var badUser = await admin.Http.PutAsJsonAsync($"/api/v1/users/{org.Dan}?dryRun=true", danUser with { roleId = 999_999, email = "" });
        Assert.Equal(HttpStatusCode.BadRequest, badUser.StatusCode);
        Assert.Equal(await ErrorFieldsAsync(await admin.Http.PutAsJsonAsync($"/api/v1/users/{org.Dan}", danUser with { roleId = 999_999, email = "" })), await ErrorFieldsAsync(badUser));
        Assert.Equal(grantsBefore, await app.InDatabaseAsync(db => db.RoleGrants.CountAsync()));
        Assert.Equal(previews, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.AccessExplained && e.Summary.StartsWith("Previewed a permission change"))));

        // The pages: Preview beside Save shows the table, keeps the posted choice on the form, saves nothing.
        var (_, defaultsDocument) = await PreviewOnPageAsync(admin, "/admin/access/defaults", "Preview", new() { ["Defaults[deals]"] = "Private" });
        Assert.Equal(4, defaultsDocument.QuerySelectorAll("#what-if-users tr.what-if-records").Length);
        var (_, refused) = await PreviewOnPageAsync(admin, $"/admin/groups/{org.KeyAccounts}/permissions", "Preview", new() { ["Grants[spaceships:fly]"] = "All" });
        Assert.Null(refused.QuerySelector("#what-if"));
        Assert.Contains("'spaceships: fly' is not a permission the CRM knows.", refused.QuerySelector("[data-valmsg-for='Grants']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(previews + 1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.AccessExplained && e.Summary.StartsWith("Previewed a permission change"))));
        Assert.Equal(grantsBefore, await app.InDatabaseAsync(db => db.RoleGrants.CountAsync()));

        // The sharing rules page: Preview beside "Add rule" shows the table and adds no rule; a rule shared with nobody is refused on that field.
        var (_, rulePreview) = await PreviewOnPageAsync(admin, "/admin/sharing-rules", "Preview",
            new() { ["Module"] = "deals", ["From"] = org.Choice("role Agent"), ["To"] = org.Choice("group Sellers"), ["Access"] = "read" });
        Assert.NotNull(rulePreview.QuerySelector("#what-if"));
        var (_, ruleRefused) = await PreviewOnPageAsync(admin, "/admin/sharing-rules", "Preview",
            new() { ["Module"] = "deals", ["From"] = org.Choice("role Agent"), ["To"] = "", ["Access"] = "read" });
        Assert.Null(ruleRefused.QuerySelector("#what-if"));
        Assert.NotEqual("", ruleRefused.QuerySelector("[data-valmsg-for='To']")!.TextContent.Trim());
        Assert.Equal(1, await app.InDatabaseAsync(db => db.SharingRules.CountAsync()));

        // Only administrators may ask.
        Assert.Equal(HttpStatusCode.Forbidden, (await clients["ann"].Http.PutAsJsonAsync($"/api/v1/access/defaults?dryRun=true", Array.Empty<object>())).StatusCode);
    }

    /// <summary>Posts the form of the button for <paramref name="handler"/> through that button, with the page's antiforgery token and <paramref name="values"/>.</summary>
    private static async Task<(HttpResponseMessage Response, IDocument Document)> PreviewOnPageAsync(PageClient client, string url, string handler, Dictionary<string, string> values)
    {
        var (_, document) = await client.GetPageAsync(url);
        var button = document.QuerySelectorAll<IHtmlButtonElement>("button[formaction]")
            .Single(b => b.GetAttribute("formaction")!.EndsWith("handler=" + handler, StringComparison.Ordinal));
        var token = button.Form!.QuerySelector<IHtmlInputElement>("input[name='__RequestVerificationToken']")!.Value;
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. values]);
        var response = await client.Http.PostAsync(button.GetAttribute("formaction"), content);
        var html = await response.Content.ReadAsStringAsync();
        return (response, await BrowsingContext.New().OpenAsync(r => r.Content(html)));
    }

    [Fact]
    public async Task A_module_above_the_sample_size_is_counted_on_its_newest_records_and_said_so()
    {
        await using var app = new CrmApp().With("WhatIf:SampleSize", "2");
        var org = await SharingOrg.CreateAsync(app);
        await ObjectKit.DealAsync(app, "Oldest", org.Owner, org.Sales);
        await ObjectKit.DealAsync(app, "Newer", org.Owner, org.Sales);
        await ObjectKit.DealAsync(app, "Newest", org.Owner, org.Sales);
        var admin = await app.SignInAsAdminAsync();

        var preview = await (await admin.Http.PutAsJsonAsync("/api/v1/access/defaults?dryRun=true", new[] { new { module = "deals", access = "PublicRead" } })).ReadJsonAsync();
        var sampled = Assert.Single(preview.GetProperty("sampledModules").EnumerateArray(), m => m.Text("module") == "deals");
        Assert.Equal((3, 2), (sampled.GetProperty("total").GetInt32(), sampled.GetProperty("examined").GetInt32()));
        var ann = preview.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("userId").GetGuid() == org.Ann);
        var deals = ann.GetProperty("records").EnumerateArray().Single(r => r.Text("module") == "deals");
        Assert.Equal((2, true), (deals.GetProperty("gained").GetInt32(), deals.GetProperty("sampled").GetBoolean()));
        Assert.EndsWith("(counted on a sample, see below)", preview.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }
}
