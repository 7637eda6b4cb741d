using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The five findings of the linked-records review, each through the API and the page: bob (his
/// department's scope) cannot move, delete or learn of alice's records through his own records
/// that link to them; and two malformed requests answer 4xx, not 500.
/// </summary>
[Slow]
public sealed class LinkedRecordTests
{
    [Fact]
    public async Task A_transfer_moves_only_the_linked_records_the_caller_may_edit_and_says_how_many_stayed()
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var before = await w.SnapshotAsync();
        var bob = await app.SignInAsync("bob@crm.test", Password);
        var body = $$"""{"companyIds":[{{w["bobCompany"]}}],"newOwnerId":"{{w.Bob.Id}}","openDeals":true,"openTasks":true}""";

        var preview = await (await bob.PostJsonAsync("/api/v1/companies/transfer/preview", body)).ReadJsonAsync();
        Assert.Equal(1, preview.GetProperty("contacts").GetInt32());
        Assert.Equal(3, preview.GetProperty("leftBehind").GetInt32());
        Assert.Equal(before, await w.SnapshotAsync());

        var response = await bob.PostJsonAsync("/api/v1/companies/transfer", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await response.ReadJsonAsync();
        Assert.Equal(1, done.GetProperty("contacts").GetInt32());
        Assert.Equal(0, done.GetProperty("deals").GetInt32());
        Assert.Equal(0, done.GetProperty("tasks").GetInt32());
        Assert.Equal(3, done.GetProperty("leftBehind").GetInt32());
        Assert.Contains("3 linked records belong to people whose records you cannot change", done.GetProperty("leftBehindReason").GetString(), StringComparison.Ordinal);

        // Alice's contact, open deal and open task on bob's company stay hers; carol's contact (bob may edit it) moved.
        var after = await w.SnapshotAsync();
        Assert.Equal(w.Alices(before), w.Alices(after));
        Assert.Equal(w.Bob.Id, after[("contacts", w["carolContactAtBobs"])].Item1);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/v1/contacts/{w["aliceContactAtBobs"]}")).StatusCode);

        // The list's mass action says the same.
        var (_, page) = await bob.GetPageAsync("/companies");
        var submitted = await bob.SubmitAsync(page, new() { ["Selected"] = w["bobCompany"].ToString(System.Globalization.CultureInfo.InvariantCulture), ["NewOwnerId"] = w.Carol.Id.ToString(), ["OpenDeals"] = "true", ["OpenTasks"] = "true" },
            "form[action*='handler=Transfer']");
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var (_, result) = await bob.FollowAsync(submitted);
        Assert.Contains("3 linked records belong to people whose records you cannot change", result.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(w.Alices(before), w.Alices(await w.SnapshotAsync()));
    }

    [Fact]
    public async Task Saving_a_record_whose_link_the_caller_may_not_see_keeps_the_link_and_naming_it_is_refused_as_a_missing_record()
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var bob = await app.SignInAsync("bob@crm.test", Password);
        var contact = w["bobContactAtAlices"];
        int? CompanyOf(Crm.Web.Data.CrmDb db) => db.Contacts.Single(c => c.Id == contact).CompanyId;

        // The page: the form shows no company (bob may not see it); saving another field keeps the link.
        var (_, form) = await bob.GetPageAsync($"/contacts/{contact}/edit");
        Assert.Equal("", (form.QuerySelector("[name='Input.CompanyId']") as AngleSharp.Html.Dom.IHtmlInputElement)?.Value ?? "");
        var saved = await bob.SubmitAsync(form, new() { ["Input.Title"] = "Buyer" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(w["aliceCompany"], await app.InDatabaseAsync(db => Task.FromResult(CompanyOf(db))));

        // The API: what the read shows (companyId null) sent back keeps the link too.
        var read = await (await bob.Http.GetAsync($"/api/v1/contacts/{contact}")).ReadJsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("companyId").ValueKind);
        var patched = await bob.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"companyId":null,"title":"Head buyer","version":{{read.GetProperty("version").GetInt32()}}}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(w["aliceCompany"], await app.InDatabaseAsync(db => Task.FromResult(CompanyOf(db))));

        // Naming the hidden company, even the one linked now, answers as a company that does not exist.
        var version = (await patched.ReadJsonAsync()).GetProperty("version").GetInt32();
        var hidden = await bob.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"companyId":{{w["aliceCompany"]}},"version":{{version}}}""");
        var missing = await bob.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"companyId":{{LinkedRecordWorld.Missing}},"version":{{version}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        Assert.Equal(missing.StatusCode, hidden.StatusCode);
        Assert.Contains("does not exist or is not visible to you", await hidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delete_that_would_take_records_the_caller_may_not_delete_is_refused_with_counts_by_module()
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var before = await w.SnapshotAsync();
        var bob = await app.SignInAsync("bob@crm.test", Password);
        var company = w["bobCompany"];

        var impact = await (await bob.Http.GetAsync($"/api/v1/companies/{company}/delete-impact")).ReadJsonAsync();
        var refusal = impact.GetProperty("refusal").GetString()!;
        foreach (var count in new[] { "contacts: 1", "deals: 1", "tasks: 1", "emails: 1" })
        {
            Assert.Contains(count, refusal, StringComparison.Ordinal);
        }

        var deleted = await bob.Http.DeleteAsync($"/api/v1/companies/{company}");
        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        Assert.Equal(refusal, (await deleted.ReadJsonAsync()).GetProperty("title").GetString());

        var (status, page) = await bob.GetPageAsync($"/companies/{company}/delete");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("contacts: 1", page.QuerySelector(".delete-refused")!.TextContent, StringComparison.Ordinal);
        Assert.True(page.QuerySelector("form.form-narrow button[type=submit]")!.HasAttribute("disabled"));
        var posted = await bob.SubmitAsync(page, [], "form.form-narrow");
        Assert.NotEqual(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(before, await w.SnapshotAsync());

        // An administrator's delete is unchanged: the company goes with everything on it.
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{company}")).StatusCode);
        var after = await w.SnapshotAsync();
        Assert.DoesNotContain(("contacts", w["aliceContactAtBobs"]), after.Keys);
        Assert.DoesNotContain(("deals", w["aliceDealAtBobs"]), after.Keys);
    }

    public static TheoryData<string> LinkedFilters => new()
    {
        "/api/v1/contacts?companyId={0}", "/api/v1/deals?companyId={0}", "/api/v1/tasks?parentId={1}",
        "/api/v1/tasks?relatedModule=leads&relatedId={2}", "/api/v1/emails?relatedModule=leads&relatedId={2}",
        "/api/v1/contacts/export?format=csv&companyId={0}", "/api/v1/deals/export?format=csv&companyId={0}",
        "/api/v1/tasks/export?format=csv&parentId={1}", "/api/v1/emails/export?format=csv&relatedModule=leads&relatedId={2}",
        "/contacts?companyId={0}", "/deals?companyId={0}", "/tasks?parentId={1}", "/tasks?relatedModule=leads&relatedId={2}",
        "/emails?relatedModule=leads&relatedId={2}",
    };

    [Theory]
    [MemberData(nameof(LinkedFilters))]
    public async Task A_filter_naming_a_hidden_record_answers_as_one_naming_no_record(string url)
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var bob = await app.SignInAsync("bob@crm.test", Password);

        var hidden = await bob.Http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, w["aliceCompany"], w["aliceTask"], w["aliceLead"]));
        var missing = await bob.Http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, LinkedRecordWorld.Missing, LinkedRecordWorld.Missing, LinkedRecordWorld.Missing));
        Assert.Equal(missing.StatusCode, hidden.StatusCode);
        var hiddenText = await hidden.Content.ReadAsStringAsync();
        var missingShown = await missing.Content.ReadAsStringAsync();
        foreach (var mine in new[] { "Bobs", "Atalpha" })
        {
            Assert.Equal(missingShown.Contains(mine, StringComparison.Ordinal), hiddenText.Contains(mine, StringComparison.Ordinal));
        }

        // The same answer once the ids asked for are left out (pages repeat them in their filter fields).
        var missingText = missingShown;
        foreach (var id in new[] { w["aliceCompany"], w["aliceTask"], w["aliceLead"], LinkedRecordWorld.Missing })
        {
            hiddenText = System.Text.RegularExpressions.Regex.Replace(hiddenText, $@"(?<![\w.-]){id}(?![\w.-])", "ID");
            missingText = System.Text.RegularExpressions.Regex.Replace(missingText, $@"(?<![\w.-]){id}(?![\w.-])", "ID");
        }

        Assert.Equal(Normalise(missingText), Normalise(hiddenText));
    }

    /// <summary>Takes out what differs between any two answers (antiforgery tokens, trace ids).</summary>
    internal static string Normalise(string body) =>
        System.Text.RegularExpressions.Regex.Replace(body, "(__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"|\"(traceId|requestId)\":\"[^\"]*\")", "");

    [Fact]
    public async Task History_shows_a_linked_id_only_to_who_may_see_the_linked_record()
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var bob = await app.SignInAsync("bob@crm.test", Password);

        foreach (var (module, name, fields) in new[]
        {
            ("contacts", "bobContactAtAlices", new[] { "companyId" }),
            ("deals", "bobDealAtAlices", new[] { "companyId", "contactId" }),
            ("tasks", "bobTaskUnderAlices", new[] { "parentId", "relatedId" }),
            ("emails", "bobEmailAboutAlices", new[] { "relatedId" }),
            ("memos", "bobMemo", new[] { "relatedId" }),
        })
        {
            var id = w[name];
            var history = await (await bob.Http.GetAsync($"/api/v1/{module}/{id}/history")).ReadJsonAsync();
            var changes = history.GetProperty("items").EnumerateArray().SelectMany(i => i.GetProperty("changes").EnumerateArray()).ToList();
            foreach (var field in fields)
            {
                var change = Assert.Single(changes, c => c.GetProperty("field").GetString() == field);
                Assert.Equal("(hidden)", change.GetProperty("new").GetString());
            }

            var page = await bob.Http.GetStringAsync($"/history/{module}/{id}");
            Assert.Contains("(hidden)", page, StringComparison.Ordinal);
        }

        // A linked record the reader may see keeps its id: carol's contact at bob's company.
        var visible = await (await bob.Http.GetAsync($"/api/v1/contacts/{w["carolContactAtBobs"]}/history")).ReadJsonAsync();
        var company = visible.GetProperty("items").EnumerateArray().SelectMany(i => i.GetProperty("changes").EnumerateArray()).Single(c => c.GetProperty("field").GetString() == "companyId");
        Assert.Equal(w["bobCompany"].ToString(System.Globalization.CultureInfo.InvariantCulture), company.GetProperty("new").GetString());

        // Alice sees her own records' ids in the same history.
        var alice = await app.SignInAsync("alice@crm.test", Password);
        var hers = await (await alice.Http.GetAsync($"/api/v1/contacts/{w["bobContactAtAlices"]}/history")).ReadJsonAsync();
        Assert.Contains(hers.GetProperty("items").EnumerateArray().SelectMany(i => i.GetProperty("changes").EnumerateArray()),
            c => c.GetProperty("field").GetString() == "companyId" && c.GetProperty("new").GetString() == w["aliceCompany"].ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Lists_and_exports_show_a_linked_record_the_reader_may_not_see_as_none()
    {
        await using var app = new CrmApp();
        var w = await LinkedRecordWorld.CreateAsync(app, Scope.Department);
        var bob = await app.SignInAsync("bob@crm.test", Password);

        var task = (await (await bob.Http.GetAsync("/api/v1/tasks")).ReadJsonAsync()).GetProperty("items").EnumerateArray().Single(t => t.GetProperty("title").GetString() == "Bobs task");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, task.GetProperty("relatedId").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, task.GetProperty("parentId").ValueKind);
        var email = (await (await bob.Http.GetAsync("/api/v1/emails")).ReadJsonAsync()).GetProperty("items").EnumerateArray().Single(e => e.GetProperty("subject").GetString() == "Bobs email");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, email.GetProperty("relatedId").ValueKind);

        var tasks = await bob.Http.GetStringAsync("/api/v1/tasks/export?format=csv");
        var taskRow = tasks.Split('\n').Single(l => l.Contains("Bobs task", StringComparison.Ordinal));
        Assert.DoesNotContain("leads ID", taskRow, StringComparison.Ordinal);
        Assert.DoesNotContain($",{w["aliceTask"].ToString(System.Globalization.CultureInfo.InvariantCulture)},", taskRow, StringComparison.Ordinal);
        var emails = await bob.Http.GetStringAsync("/api/v1/emails/export?format=csv");
        Assert.DoesNotContain("leads ID", emails.Split('\n').Single(l => l.Contains("Bobs email", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Alice, who sees the lead and the parent task, gets them in the same export.
        var alice = await app.SignInAsync("alice@crm.test", Password);
        Assert.Contains($"leads ID {w["aliceLead"].ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            (await alice.Http.GetStringAsync("/api/v1/tasks/export?format=csv")).Split('\n').Single(l => l.Contains("Bobs task", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_in_an_unsupported_charset_and_a_truncated_multipart_upload_are_client_errors()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var utf7 = new StringContent("{\"name\":\"Acme\"}", Encoding.UTF8);
        utf7.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=utf-7");
        var company = await admin.Http.PostAsync("/api/v1/companies", utf7);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, company.StatusCode);
        Assert.Equal("application/problem+json", company.Content.Headers.ContentType!.MediaType);

        var truncated = new ByteArrayContent("--x\r\n\r\n"u8.ToArray());
        truncated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        var upload = await admin.Http.PostAsync("/api/v1/files", truncated);
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal("application/problem+json", upload.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, await app.InDatabaseAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Companies)));
    }
}
