using System.Net;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Import;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// The import wizard through the API (issue 26), on contacts: a CSV with a byte-order mark, semicolons
/// and a quoted line break; the mapping proposed from headers and labels and remembered; a dry run that
/// writes nothing and names each refused cell; an import that is refused whole while a row is; then an
/// update by email with old → new, and an undo that deletes what the import created, restores what it
/// changed and leaves a record someone changed since.
/// </summary>
public sealed class ImportContactsTests(ImportApp app) : IClassFixture<ImportApp>
{
    [Fact]
    public async Task A_file_is_checked_row_by_row_imported_whole_and_undone()
    {
        var admin = await app.SignInAsAdminAsync();
        var owner = await app.CreateUserAsync("owner.import@crm.test", "Owner-Pass-123", name: "Olive Owner");
        var before = await app.InDatabaseAsync(db => db.Contacts.CountAsync());

        // A BOM, semicolons, a quoted line break in a title, a column nobody maps, and three bad rows.
        var csv = "\uFEFFFirst name;Last name;E-mail;Job title;Owner;Shoe size\r\n"
                + "Ann;Archer;ann@example.com;\"Head of\nPurchasing\";owner.import@crm.test;38\r\n"
                + "Bob;;bob@example.com;Buyer;;42\r\n"
                + "Cid;Carter;not-an-email;;;44\r\n"
                + "Dee;Dalton;dee@example.com;;nobody@crm.test;39\r\n";
        var started = await StartAsync(admin, "contacts", "contacts.csv", csv);
        var id = started.GetProperty("id").GetInt32();
        Assert.Equal("mapping", started.GetProperty("status").GetString());
        Assert.Equal(4, started.GetProperty("rowCount").GetInt32());
        var mapping = started.GetProperty("mapping");
        Assert.Equal("firstName", mapping.GetProperty("First name").GetString());
        Assert.Equal("email", mapping.GetProperty("E-mail").GetString());
        Assert.Equal("title", mapping.GetProperty("Job title").GetString());
        Assert.Equal("ownerId", mapping.GetProperty("Owner").GetString());
        Assert.Equal(JsonValueKind.Null, mapping.GetProperty("Shoe size").ValueKind);

        // An unmapped column is ignored only when the importer says so.
        var refused = await admin.PostJsonAsync($"/api/v1/imports/{id}/check", """{"mode":"create"}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"Shoe size\"", (await refused.FieldErrorsAsync("ignoreUnmapped")).Single(), StringComparison.Ordinal);

        var checkedRun = await CheckAsync(app, admin, id, """{"mode":"create","ignoreUnmapped":true}""");
        Assert.Equal("checked", checkedRun.GetProperty("status").GetString());
        Assert.Equal(0, checkedRun.GetProperty("created").GetInt32());
        Assert.Equal(4, checkedRun.GetProperty("failed").GetInt32());
        Assert.Equal(before, await app.InDatabaseAsync(db => db.Contacts.CountAsync()));
        Assert.Equal(
        [
            // The quoted line break is read into the cell, which a one-line field refuses.
            "row 2: Job title: Job title must be one line of text.",
            "row 3: Last name: Last name is required.",
            "row 4: E-mail: Email must be an email address, like name@example.com.",
            "row 5: Owner: No active user has the email address \"nobody@crm.test\".",
        ], Problems(await RowsAsync(admin, id, "error")));

        // The refused rows come back as a file with an Errors column, to fix and upload again.
        var refusedFile = await admin.Http.GetStringAsync($"/api/v1/imports/{id}/refused-rows?format=csv");
        Assert.Contains("Errors", refusedFile, StringComparison.Ordinal);
        Assert.Contains("Cid", refusedFile, StringComparison.Ordinal);
        Assert.Contains("\"Head of\nPurchasing\"", refusedFile, StringComparison.Ordinal);

        // All or nothing: while a row is refused, nothing can be imported.
        var confirm = await admin.PostJsonAsync($"/api/v1/imports/{id}/confirm", "{}");
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);

        // The fixed file: its mapping is proposed as last time (the ignored column too).
        var fixedCsv = "First name;Last name;E-mail;Job title;Owner;Shoe size\r\n"
                     + "Ann;Archer;ann@example.com;Buyer;owner.import@crm.test;38\r\n"
                     + "Bob;Baker;bob@example.com;Buyer;;42\r\n"
                     + "Cid;Carter;cid@example.com;;;44\r\n"
                     + "Dee;Dalton;dee@example.com;;;39\r\n";
        var second = await StartAsync(admin, "contacts", "contacts-fixed.csv", fixedCsv);
        var secondId = second.GetProperty("id").GetInt32();
        Assert.Equal(JsonValueKind.Null, second.GetProperty("mapping").GetProperty("Shoe size").ValueKind);
        Assert.Equal(4, (await CheckAsync(app, admin, secondId, """{"mode":"create","ignoreUnmapped":true}""")).GetProperty("created").GetInt32());
        var imported = await ConfirmAsync(app, admin, secondId);
        Assert.Equal("imported", imported.GetProperty("status").GetString());
        Assert.Equal(4, imported.GetProperty("created").GetInt32());
        var ann = await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Email == "ann@example.com"));
        Assert.Equal(owner.Id, ann.OwnerId);
        var adminId = await app.AdminIdAsync();
        Assert.Equal(adminId, (await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Email == "bob@example.com"))).OwnerId);

        // Every record has its history line, naming the importer and the import.
        var trail = await app.InDatabaseAsync(db => db.AuditEntries.Where(e => e.RequestId == ImportRuns.RequestIdOf(secondId)).ToListAsync());
        Assert.Equal(4, trail.Count(e => e.EntityType == "contacts" && e.Action == "created"));
        Assert.All(trail, e => Assert.Equal(adminId, e.ActorUserId));

        // Create or update, matched on the email: two changed, one new, one unchanged (no new version).
        var update = "Email,Job title,Last name\r\n"
                   + "ANN@example.com,Director,\r\n"
                   + "bob@example.com,Buyer,Baker\r\n"
                   + "cid@example.com,Engineer,Carver\r\n"
                   + "eve@example.com,Analyst,Evans\r\n";
        var third = (await StartAsync(admin, "contacts", "update.csv", update)).GetProperty("id").GetInt32();
        var noKey = await admin.PostJsonAsync($"/api/v1/imports/{third}/check", """{"mode":"create-or-update","matchKey":"phone"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Contains("matched on id or email", (await noKey.FieldErrorsAsync("matchKey")).Single(), StringComparison.Ordinal);
        var dryRun = await CheckAsync(app, admin, third, """{"mode":"create-or-update","matchKey":"email"}""");
        Assert.Equal(2, dryRun.GetProperty("updated").GetInt32());
        Assert.Equal(1, dryRun.GetProperty("unchanged").GetInt32());
        Assert.Equal(1, dryRun.GetProperty("failed").GetInt32()); // Eve has no first name.
        Assert.Equal(["row 5: First name: First name is required."], Problems(await RowsAsync(admin, third, "error")));
        var annChange = (await RowsAsync(admin, third, "update")).Single(r => r.GetProperty("recordId").GetInt32() == ann.Id);
        Assert.Equal("Buyer", annChange.GetProperty("changes").GetProperty("title")[0].GetString());
        Assert.Equal("Director", annChange.GetProperty("changes").GetProperty("title")[1].GetString());
        Assert.False(annChange.GetProperty("changes").TryGetProperty("lastName", out _)); // An empty cell keeps the value.
        Assert.Equal("Buyer", (await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Id == ann.Id))).Title);

        var updateOnly = (await StartAsync(admin, "contacts", "update-only.csv", update.Replace("eve@example.com,Analyst,Evans", "cid@example.com,Engineer,Carver", StringComparison.Ordinal))).GetProperty("id").GetInt32();
        var duplicates = await CheckAsync(app, admin, updateOnly, """{"mode":"update","matchKey":"email"}""");
        Assert.Equal(["row 5: Email: Row 4 has the same email; a file may name a record once."], Problems(await RowsAsync(admin, updateOnly, "error")));
        Assert.Equal(1, duplicates.GetProperty("failed").GetInt32());

        var fourth = (await StartAsync(admin, "contacts", "update-2.csv", update.Replace("eve@example.com,Analyst,Evans\r\n", "", StringComparison.Ordinal))).GetProperty("id").GetInt32();
        Assert.Equal(0, (await CheckAsync(app, admin, fourth, """{"mode":"update","matchKey":"email"}""")).GetProperty("failed").GetInt32());
        Assert.Equal("imported", (await ConfirmAsync(app, admin, fourth)).GetProperty("status").GetString());
        Assert.Equal("Director", (await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Id == ann.Id))).Title);

        // Someone changes Cid after the import: the undo leaves Cid and restores Ann.
        var cid = await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Email == "cid@example.com"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/contacts/{cid.Id}", $$"""{"phone":"+44 1","version":{{cid.Version}}}""")).StatusCode);
        var undone = await UndoAsync(app, admin, fourth);
        Assert.Equal("undone", undone.GetProperty("status").GetString());
        var annAfter = await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Id == ann.Id));
        Assert.Equal("Buyer", annAfter.Title);
        Assert.Equal("Archer", annAfter.LastName);
        Assert.Equal("Carver", (await app.InDatabaseAsync(db => db.Contacts.SingleAsync(c => c.Id == cid.Id))).LastName);
        var notes = (await RowsAsync(admin, fourth, "update")).ToDictionary(r => r.GetProperty("recordId").GetInt32(), r => r.GetProperty("undoNote").GetString());
        Assert.Equal(UndoImport.Undone, notes[ann.Id]);
        Assert.Equal("Left as it is: it was changed after the import.", notes[cid.Id]);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/imports/{fourth}/undo", "{}")).StatusCode);

        // Undoing the first import deletes what it created; Ann and Cid were changed since (by the
        // later import and its undo, and by hand), so they stay.
        var undoCreate = await UndoAsync(app, admin, secondId);
        Assert.Equal("undone", undoCreate.GetProperty("status").GetString());
        Assert.Equal(["ann@example.com", "cid@example.com"], await app.InDatabaseAsync(db => db.Contacts
            .Where(c => c.Email == "ann@example.com" || c.Email == "bob@example.com" || c.Email == "cid@example.com" || c.Email == "dee@example.com")
            .OrderBy(c => c.Email).Select(c => c.Email!).ToListAsync()));
        Assert.Contains("2 records were left", undoCreate.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_people_who_may_import_see_the_wizard_and_their_own_imports()
    {
        var admin = await app.SignInAsAdminAsync();
        var run = (await StartAsync(admin, "contacts", "mine.csv", "First name,Last name\r\nAnn,Archer\r\n")).GetProperty("id").GetInt32();

        // A role with every company and contact right but import.
        var role = await CompanyKit.RoleAsync(app, "No import", null, AssignRecordsTo.AnyUser, CompanyKit.Everything(Scope.All));
        await CompanyKit.UserAsync(app, "no.import@crm.test", role);
        var user = await app.SignInAsync("no.import@crm.test", CompanyKit.Password);
        var upload = await UploadAsync(user, "contacts", "x.csv", Encoding.UTF8.GetBytes("First name\r\nA\r\n"));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/api/v1/imports/templates/contacts")).StatusCode);

        // Another person's import does not exist for them, on every route.
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"/api/v1/imports/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"/api/v1/imports/{run}/rows")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostJsonAsync($"/api/v1/imports/{run}/check", """{"mode":"create"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostJsonAsync($"/api/v1/imports/{run}/confirm", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostJsonAsync($"/api/v1/imports/{run}/undo", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.PostJsonAsync($"/api/v1/imports/{run}/cancel", "{}")).StatusCode);
        Assert.DoesNotContain(run, (await (await user.Http.GetAsync("/api/v1/imports")).ReadJsonAsync()).EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task An_import_cancelled_before_its_commit_writes_nothing_and_cannot_be_confirmed()
    {
        var admin = await app.SignInAsAdminAsync();
        var id = (await StartAsync(admin, "contacts", "cancel.csv", "First name,Last name,Email\r\nCy,Cancel,cy@cancel.example\r\n")).GetProperty("id").GetInt32();
        Assert.Equal(0, (await CheckAsync(app, admin, id, """{"mode":"create"}""")).GetProperty("failed").GetInt32());

        // Confirmed, then cancelled before a worker took it: it never runs.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostJsonAsync($"/api/v1/imports/{id}/confirm", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/imports/{id}/cancel", "{}")).StatusCode);
        await RunWaitingAsync(app);
        var cancelled = await GetAsync(admin, id);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("Cancelled before it was committed; nothing was written.", cancelled.GetProperty("message").GetString());
        Assert.False(await app.InDatabaseAsync(db => db.Contacts.AnyAsync(c => c.Email == "cy@cancel.example")));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/imports/{id}/confirm", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/imports/{id}/undo", "{}")).StatusCode);
    }

    [Fact]
    public async Task The_template_lists_the_fields_with_a_sample_and_the_allowed_values()
    {
        var admin = await app.SignInAsAdminAsync();
        var csv = await admin.Http.GetStringAsync("/api/v1/imports/templates/leads?format=csv");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("First name,Last name,Company name,Email,Phone,Source,Status,Notes,Owner", lines[0]);
        Assert.Contains("name@example.com", lines[1], StringComparison.Ordinal);

        var xlsx = await admin.Http.GetByteArrayAsync("/api/v1/imports/templates/leads?format=xlsx");
        var (sheet, problem) = ImportSheets.Read(xlsx, "xlsx", 10);
        Assert.Null(problem);
        Assert.Equal(lines[0].Split(','), sheet!.Headers);
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var names = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Select(s => s.Name!.Value).ToList();
        Assert.Equal(["Export", "Allowed values"], names);
        var allowed = document.WorkbookPart.WorksheetParts.Last().Worksheet.InnerText;
        Assert.Contains("referral", allowed, StringComparison.Ordinal);
        Assert.Contains("qualified", allowed, StringComparison.Ordinal);
        Assert.DoesNotContain("converted", allowed, StringComparison.Ordinal);
    }
}
