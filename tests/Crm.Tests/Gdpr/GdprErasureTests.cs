using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Files;
using Crm.Web.Features.Gdpr;
using Crm.Web.Features.Mailings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Gdpr;

/// <summary>
/// Erasure by anonymisation (issue 26, ADR 0036): a contact and a lead with history, a custom field
/// value, a logged email, an attached file, a deal and an opt-out; the preview lists what goes, a
/// wrong confirmation and an injected failure change nothing, the erasure replaces the values in the
/// records and in their history while <c>audit verify</c> still passes, keeps the deal and the opt-out
/// (as a hash a mailing still honours), is one audit entry, closes the request, and cannot run twice.
/// </summary>
public sealed class GdprErasureTests(GdprApp app) : IClassFixture<GdprApp>
{
    private const string Address = "ann.erasure@example.com";
    private const string Phone = "+44 20 7946 0123";
    private const string Nickname = "Nannyberry";

    [Fact]
    public async Task The_person_is_anonymised_in_records_and_history_and_the_chain_still_verifies()
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var today = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // The person, edited so that their history holds old values too.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/custom-fields",
            """{"module":"contacts","key":"nickname","label":"Nickname","type":"text"}""")).StatusCode);
        var contact = await ContactAsync(app, "Ann", "Smithereen", null, adminId, null);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"email":"{{Address}}","phone":"{{Phone}}","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"lastName":"Smithereens","customFields":{"nickname":"{{Nickname}}"},"version":2}""")).StatusCode);
        var lead = await ObjectKit.LeadAsync(app, "Ann", "Smithereen", "Acme Ltd", adminId, null, email: Address.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/leads/{lead}", $$"""{"phone":"{{Phone}}","version":1}""")).StatusCode);
        var deal = await ObjectKit.DealAsync(app, "Annual licence", adminId, null, contactId: contact, amount: 123456);
        var logged = await ObjectKit.EmailAsync(app, "Quote for Ann Smithereen", adminId, null, "contacts", contact);
        var upload = await admin.UploadAsync("contacts", contact, "passport-ann.txt", Encoding.UTF8.GetBytes("Passport scan of Ann Smithereen"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();
        var sha = await app.InDatabaseAsync(db => db.FileObjects.Where(f => f.Id == file).Select(f => f.Sha256).SingleAsync());
        var store = app.Services.GetRequiredService<FileStore>();
        Assert.True(store.Exists(sha));
        await app.InDatabaseAsync(async db =>
        {
            db.MailingOptOuts.Add(new MailingOptOut { Email = Address, CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        var request = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"erasure","email":"{{Address}}","receivedOn":"{{today}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();

        // Non-administrators are refused, by the API and the page.
        await app.CreateUserAsync("clerk.erasure@crm.test", CrmApp.AdminPassword);
        var clerk = await app.SignInAsync("clerk.erasure@crm.test", CrmApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.Http.GetAsync($"/api/v1/gdpr/{request}/erasure")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostJsonAsync($"/api/v1/gdpr/{request}/erasure", """{"confirmCount":5}""")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await clerk.Http.GetAsync($"/admin/gdpr/{request}/erasure")).StatusCode);

        // The preview names every record and, per record, the fields that go.
        var preview = await (await admin.Http.GetAsync($"/api/v1/gdpr/{request}/erasure")).ReadJsonAsync();
        var groups = preview.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("kind").GetString()!, g => g.GetProperty("records").EnumerateArray().ToList());
        Assert.Equal(contact, Assert.Single(groups["contacts"]).GetProperty("id").GetInt32());
        Assert.Equal(["First name", "Last name", "Email", "Phone", "Nickname"], groups["contacts"][0].GetProperty("erased").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(lead, Assert.Single(groups["leads"]).GetProperty("id").GetInt32());
        Assert.Equal(logged, Assert.Single(groups["emails"]).GetProperty("id").GetInt32());
        Assert.Equal(file, Assert.Single(groups["files"]).GetProperty("id").GetInt32());
        Assert.Single(groups["opt-outs"]);
        Assert.Equal(5, preview.GetProperty("total").GetInt32());
        Assert.True(preview.GetProperty("historyEntries").GetInt32() >= 8);
        var (_, page) = await admin.GetPageAsync($"/admin/gdpr/{request}/erasure");
        Assert.Equal("1", page.QuerySelector("#erasure-plan section[data-kind='contacts'] [data-count]")!.TextContent);
        Assert.Contains("Nickname", page.QuerySelector($"#erasure-plan section[data-kind='contacts'] li[data-id='{contact}']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("deal", page.QuerySelector("#erasure-kept")!.TextContent, StringComparison.Ordinal);

        // A wrong confirmation, and a failure in the middle of the erasure, leave everything as it was.
        var before = await SnapshotAsync(contact);
        var wrong = await admin.SubmitAsync(page, new() { ["Confirm.ConfirmEmail"] = "someone.else@example.com" }, "#erasure-form");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("not the email address of this request", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stale = await admin.PostJsonAsync($"/api/v1/gdpr/{request}/erasure", """{"confirmCount":4}""");
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("confirmCount", (await CompanyKit.ErrorFieldsAsync(stale)));
        await InjectFailureAsync(on: true);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                var failed = await admin.PostJsonAsync($"/api/v1/gdpr/{request}/erasure", """{"confirmCount":5}""");
                failed.EnsureSuccessStatusCode();
            });
        }
        finally
        {
            await InjectFailureAsync(on: false);
        }

        Assert.Equal(before, await SnapshotAsync(contact));
        Assert.True(store.Exists(sha));

        // The erasure, confirmed by typing the address on the page.
        var done = await admin.SubmitAsync(page, new() { ["Confirm.ConfirmEmail"] = "Ann.Erasure@example.com" }, "#erasure-form");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        // Records: the personal values are gone; the deal, its amount and its contact stay; the file and its content are gone.
        var erased = await app.InDatabaseAsync(async db => (
            await db.Contacts.AsNoTracking().Where(c => c.Id == contact).Select(c => new[] { c.FirstName, c.LastName, c.Email, c.Phone }).SingleAsync(),
            await db.Leads.AsNoTracking().Where(l => l.Id == lead).Select(l => new[] { l.FirstName, l.LastName, l.Email, l.Phone }).SingleAsync(),
            await db.LoggedEmails.AsNoTracking().Where(e => e.Id == logged).Select(e => e.Subject).SingleAsync(),
            await db.Deals.AsNoTracking().Where(d => d.Id == deal).Select(d => new { d.Amount, d.ContactId }).SingleAsync(),
            await db.FileObjects.AnyAsync(f => f.Id == file) || await db.StoredFiles.AnyAsync(s => s.Sha256 == sha),
            await db.MailingOptOuts.Select(o => o.Email).ToListAsync(),
            await db.Set<GdprRequest>().Where(r => r.Id == request).Select(r => r.Status).SingleAsync()));
        Assert.All(erased.Item1, v => Assert.Equal("[DELETED]", v));
        Assert.All(erased.Item2, v => Assert.Equal("[DELETED]", v));
        Assert.Equal("[DELETED]", erased.Item3);
        Assert.Equal((123456L, (int?)contact), (erased.Item4.Amount, erased.Item4.ContactId));
        Assert.False(erased.Item5);
        Assert.False(store.Exists(sha));
        Assert.Contains(MailingOptOut.Hashed(Address), erased.Item6);
        Assert.DoesNotContain(Address, erased.Item6);
        Assert.Equal(GdprStatuses.Answered, erased.Item7);
        var custom = await (await admin.Http.GetAsync($"/api/v1/contacts/{contact}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Nickname, custom, StringComparison.Ordinal);

        // History: the pages, the history API and the audit API no longer show the values.
        foreach (var url in new[]
        {
            $"/api/v1/contacts/{contact}/history", $"/api/v1/leads/{lead}/history", $"/history/contacts/{contact}", $"/history/leads/{lead}",
            $"/api/v1/audit?entityType=contacts&entityId={contact}", $"/api/v1/audit?entityType=leads&entityId={lead}", "/api/v1/audit?pageSize=200",
        })
        {
            var response = await admin.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            foreach (var value in new[] { "Smithereen", Phone, Nickname, "passport-ann" })
            {
                Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"{url} still shows {value}");
            }

            if (!url.EndsWith("pageSize=200", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(Address, text, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("[DELETED]", text, StringComparison.Ordinal);
            }
        }

        // Nowhere in the trail but the request's own entries (the register keeps the address as given).
        var requestType = AuditNames.EntityType(typeof(GdprRequest));
        var trail = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.EntityType != requestType).Select(e => e.Label + " " + e.Changes).ToListAsync());
        Assert.DoesNotContain(trail, t => t.Contains("Smithereen", StringComparison.OrdinalIgnoreCase) || t.Contains(Address, StringComparison.OrdinalIgnoreCase) || t.Contains(Nickname, StringComparison.Ordinal));

        // One erasure entry on the request: who and which records, no values.
        var entry = Assert.Single(await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.EntityType == requestType && e.EntityId == request.ToString(CultureInfo.InvariantCulture) && e.Action == TrailRedaction.VouchingAction).ToListAsync()));
        Assert.Equal(await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == adminId).Select(u => u.Id).SingleAsync()), entry.ActorUserId);
        Assert.Contains(contact.ToString(CultureInfo.InvariantCulture), AuditKit.Changes(entry)["contacts"]!["new"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Address, entry.Changes, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Smithereen", entry.Changes, StringComparison.OrdinalIgnoreCase);

        // audit verify still passes, reporting the redactions.
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Problem);
        Assert.True(report.Redacted >= 8, $"only {report.Redacted} redacted");

        // The trail's guard still refuses any other update: a redaction without its guard row, or one that changes more than the values and the label.
        var someEntry = await AuditKit.MarkAsync(app);
        const string Marked = """{"$redacted":{"new":"x"}}""";
        await Assert.ThrowsAnyAsync<Exception>(() => app.InDatabaseAsync(db =>
            db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Changes" = {0} WHERE "Id" = {1}""", Marked, someEntry)));
        Assert.Equal(1, await app.InDatabaseAsync(async db =>
        {
            // The same statements with the guard row and only the values changed pass (and are rolled back).
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "AuditRedactionGuard" ("EntryId") VALUES ({0})""", someEntry);
            return await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Changes" = {0} WHERE "Id" = {1}""", Marked, someEntry);
        }));
        await Assert.ThrowsAnyAsync<Exception>(() => app.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "AuditRedactionGuard" ("EntryId") VALUES ({0})""", someEntry);
            return await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Changes" = {0}, "ActorName" = 'Somebody' WHERE "Id" = {1}""", Marked, someEntry);
        }));

        // The opt-out is still honoured: the address comes back on a new contact, and a mailing skips it.
        await app.InDatabaseAsync(async db =>
        {
            (await db.Contacts.SingleAsync(c => c.Id == contact)).Email = Address;
            return 0;
        });
        var newcomer = await ContactAsync(app, "Ann", "Again", null, adminId, null);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/contacts/{newcomer}", $$"""{"email":"{{Address}}","version":1}""")).StatusCode);
        var mailing = await (await admin.PostJsonAsync("/api/v1/mailings/preview", $$"""{"module":"contacts","filterField":"email","filterValue":"{{Address}}"}""")).ReadJsonAsync();
        Assert.Equal((0, 1), (mailing.GetProperty("recipients").GetInt32(), mailing.GetProperty("optedOut").GetInt32()));

        // A second erasure of the same request is refused and changes nothing; the trail still verifies.
        var mark = await AuditKit.MarkAsync(app);
        var again = await admin.PostJsonAsync($"/api/v1/gdpr/{request}/erasure", $$"""{"confirmEmail":"{{Address}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(mark, await AuditKit.MarkAsync(app));
        Assert.True((await VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Only_an_erasure_request_erases_and_an_empty_erasure_just_answers_it()
    {
        var admin = await app.SignInAsAdminAsync();
        var today = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var access = (await (await admin.PostJsonAsync("/api/v1/gdpr", """{"kind":"access","email":"nobody.here@example.com","receivedOn":"TODAY"}""".Replace("TODAY", today, StringComparison.Ordinal))).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/gdpr/{access}/erasure", """{"confirmCount":0}""")).StatusCode);

        var erasure = (await (await admin.PostJsonAsync("/api/v1/gdpr", """{"kind":"erasure","email":"nobody.here@example.com","receivedOn":"TODAY"}""".Replace("TODAY", today, StringComparison.Ordinal))).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        Assert.Equal(0, (await (await admin.Http.GetAsync($"/api/v1/gdpr/{erasure}/erasure")).ReadJsonAsync()).GetProperty("total").GetInt32());
        var done = await (await admin.PostJsonAsync($"/api/v1/gdpr/{erasure}/erasure", """{"confirmCount":0}""")).ReadJsonAsync();
        Assert.Equal((0, "answered"), (done.GetProperty("records").GetInt32(), done.GetProperty("status").GetString()));

        // A request naming only the record: the record's own address is scrubbed from its logged email and its opt-out hashed.
        var adminId = await app.AdminIdAsync();
        var contact = await ContactAsync(app, "Bea", "Onlyrecord", null, adminId, null);
        var logged = await ObjectKit.EmailAsync(app, "Hello Bea", adminId, null, "contacts", contact);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Contacts.SingleAsync(c => c.Id == contact)).Email = "Bea.Only@example.com";
            (await db.LoggedEmails.SingleAsync(e => e.Id == logged)).To = "bea.only@example.com, team@crm.test";
            db.MailingOptOuts.Add(new MailingOptOut { Email = "bea.only@example.com", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        var byRecord = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$$"""{"kind":"erasure","personModule":"contacts","personId":{{{contact}}},"receivedOn":"{{{today}}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        Assert.Equal(3, (await (await admin.Http.GetAsync($"/api/v1/gdpr/{byRecord}/erasure")).ReadJsonAsync()).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/gdpr/{byRecord}/erasure", """{"confirmCount":3}""")).StatusCode);
        var after = await app.InDatabaseAsync(async db => (
            await db.LoggedEmails.Where(e => e.Id == logged).Select(e => e.To).SingleAsync(),
            await db.MailingOptOuts.AnyAsync(o => o.Email == "bea.only@example.com"),
            await db.MailingOptOuts.AnyAsync(o => o.Email == MailingOptOut.Hashed("bea.only@example.com"))));
        Assert.Equal(("[DELETED], team@crm.test", false, true), after);
        Assert.True((await VerifyAsync()).Intact);
    }

    private Task<ChainReport> VerifyAsync() =>
        app.InDatabaseAsync(db => new VerifyAuditChain(db).RunAsync(CancellationToken.None));

    /// <summary>What the erasure would change, as text: the contact, its history and the request's status.</summary>
    private Task<string> SnapshotAsync(int contact) =>
        app.InDatabaseAsync(async db =>
        {
            var id = contact.ToString(CultureInfo.InvariantCulture);
            var row = await db.Contacts.AsNoTracking().SingleAsync(c => c.Id == contact);
            var history = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "contacts" && e.EntityId == id).OrderBy(e => e.Id)
                .Select(e => e.Label + e.Changes).ToListAsync();
            var statuses = await db.Set<GdprRequest>().AsNoTracking().OrderBy(r => r.Id).Select(r => r.Status).ToListAsync();
            return JsonSerializer.Serialize(new object[] { row.FirstName, row.LastName, row.Email ?? "", row.Version, history, statuses, await db.AuditEntries.CountAsync() });
        });

    /// <summary>Makes the database refuse any change of a logged email: the erasure fails after it has redacted the history and changed the contact.</summary>
    private Task<int> InjectFailureAsync(bool on) =>
        app.InDatabaseAsync(async db =>
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync(on
                    ? """
                      CREATE FUNCTION test_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
                      CREATE TRIGGER test_injected_failure BEFORE UPDATE ON "LoggedEmails" FOR EACH ROW EXECUTE FUNCTION test_injected_failure();
                      """
                    : """
                      DROP TRIGGER test_injected_failure ON "LoggedEmails";
                      DROP FUNCTION test_injected_failure();
                      """);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync(on
                    ? """CREATE TRIGGER test_injected_failure BEFORE UPDATE ON "LoggedEmails" BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"""
                    : """DROP TRIGGER test_injected_failure;""");
            }

            return 0;
        });
}
