using System.IO.Compression;
using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// What files an import takes and refuses (issue 26): a workbook written by LibreOffice (formula cells
/// read as their computed values, a date cell as a date, a script read as text and refused as a form refuses it), and
/// hostile or broken files refused with one clear message and nothing stored: another kind of file, a
/// damaged workbook, a compression bomb, an XML entity bomb, broken CSV quoting, too many rows.
/// </summary>
public sealed class ImportFilesTests(ImportApp app) : IClassFixture<ImportApp>
{
    /// <summary>
    /// tests/Crm.Tests/Import/Fixtures/deals.xlsx was written by LibreOffice 7.4 from deals.fods beside it:
    /// <c>soffice --headless --convert-to xlsx deals.fods</c>. Row 2's title and probability are formulas.
    /// </summary>
    private static byte[] LibreOfficeWorkbook() =>
        File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "tests", "Crm.Tests", "Import", "Fixtures", "deals.xlsx"));

    [Fact]
    public async Task A_LibreOffice_workbook_is_imported_with_computed_values_dates_and_scripts_as_text()
    {
        var admin = await app.SignInAsAdminAsync();
        var started = await StartAsync(admin, "deals", "deals.xlsx", LibreOfficeWorkbook());
        var id = started.GetProperty("id").GetInt32();
        Assert.Equal(["Title", "Amount", "Currency", "Stage", "Probability", "Expected close", "Owner"],
            started.GetProperty("headers").EnumerateArray().Select(h => h.GetString()!).ToArray());
        var checkedRun = await CheckAsync(app, admin, id, """{"mode":"create"}""");

        // A script in a cell is text, and a title refuses markup as the form does: the row is refused, so nothing can be imported.
        Assert.Equal(["row 3: Title: Title cannot contain HTML tags."], Problems(await RowsAsync(admin, id, "error")));
        Assert.Equal(1, checkedRun.GetProperty("created").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/imports/{id}/confirm", "{}")).StatusCode);
        var refused = await admin.Http.GetByteArrayAsync($"/api/v1/imports/{id}/refused-rows?format=xlsx");
        var (sheet, _) = Crm.Web.Features.Import.ImportSheets.Read(refused, "xlsx", 10);
        Assert.Equal("<script>alert('x')</script>", sheet!.Rows.Single().Cells[0]);
        Assert.Equal("Title: Title cannot contain HTML tags.", sheet.Rows.Single().Cells[^1]);

        // A trial of the first row only: it goes in, with the formulas' computed values and the date.
        Assert.Equal(0, (await CheckAsync(app, admin, id, """{"mode":"create","rowLimit":1}""")).GetProperty("failed").GetInt32());
        Assert.Equal("imported", (await ConfirmAsync(app, admin, id)).GetProperty("status").GetString());
        var renewal = await app.InDatabaseAsync(db => db.Deals.SingleAsync(d => d.Title == "Renewal 2027"));
        Assert.Equal(120050, renewal.Amount); // in cents
        Assert.Equal(50, renewal.Probability);
        Assert.Equal(new DateOnly(2027, 1, 15), renewal.ExpectedClose);
        Assert.Equal("proposal", renewal.Stage);
        Assert.Equal(await app.AdminIdAsync(), renewal.OwnerId);
        Assert.False(await app.InDatabaseAsync(db => db.Deals.AnyAsync(d => d.Title.Contains("script"))));
    }

    [Fact]
    public async Task Hostile_and_broken_files_are_refused_with_a_clear_message()
    {
        var admin = await app.SignInAsAdminAsync();
        var before = await app.InDatabaseAsync(db => db.ImportRuns.CountAsync());

        async Task<string> RefusedAsync(string name, byte[] content)
        {
            var response = await UploadAsync(admin, "contacts", name, content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.FieldErrorsAsync("file")).Single();
        }

        Assert.StartsWith("Choose a .csv or .xlsx file", await RefusedAsync("notes.pdf", Encoding.UTF8.GetBytes("%PDF-1.4")), StringComparison.Ordinal);
        Assert.StartsWith("The file could not be read as an Excel workbook", await RefusedAsync("broken.xlsx", Encoding.UTF8.GetBytes("PK\u0003\u0004 not really a zip")), StringComparison.Ordinal);
        Assert.StartsWith("The file could not be read as CSV", await RefusedAsync("zip.csv", LibreOfficeWorkbook()), StringComparison.Ordinal);
        Assert.Equal("The file could not be read as CSV: its quoting is broken.",
            await RefusedAsync("quotes.csv", Encoding.UTF8.GetBytes("First name,Last name\r\n\"Ann,Archer\r\nBob,Baker\r\n")));
        Assert.StartsWith("Two columns are named \"Email\"", await RefusedAsync("twice.csv", Encoding.UTF8.GetBytes("Email,email\r\na@b.c,d@e.f\r\n")), StringComparison.Ordinal);
        Assert.Equal("The file has a header row but no rows to import.", await RefusedAsync("empty.csv", Encoding.UTF8.GetBytes("First name,Last name\r\n")));

        // A compression bomb: a part that inflates a thousand times is refused before anything reads it.
        Assert.StartsWith("The file could not be read as an Excel workbook", await RefusedAsync("bomb.xlsx", Rewrite(LibreOfficeWorkbook(), zip =>
        {
            using var bomb = zip.CreateEntry("xl/media/padding.bin", CompressionLevel.SmallestSize).Open();
            bomb.Write(new byte[30_000_000]);
        })), StringComparison.Ordinal);

        // An XML entity bomb in the sheet: DTDs are never processed.
        var laughs = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>"""
            + """<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>""";
        Assert.StartsWith("The file could not be read as an Excel workbook", await RefusedAsync("laughs.xlsx", Rewrite(LibreOfficeWorkbook(), zip =>
        {
            zip.GetEntry("xl/worksheets/sheet1.xml")!.Delete();
            using var sheet = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open());
            sheet.Write(laughs);
        })), StringComparison.Ordinal);

        Assert.Equal(before, await app.InDatabaseAsync(db => db.ImportRuns.CountAsync()));
    }

    [Fact]
    public async Task A_file_over_the_row_limit_is_refused()
    {
        await using var limited = new ImportApp();
        limited.With("Import:MaxRows", "3");
        var admin = await limited.SignInAsAdminAsync();
        var response = await UploadAsync(admin, "contacts", "four.csv", Encoding.UTF8.GetBytes("First name,Last name\r\nA,A\r\nB,B\r\nC,C\r\nD,D\r\n"));
        Assert.Equal("The file has more than 3 rows, the most one import takes. Split it into several files.", (await response.FieldErrorsAsync("file")).Single());
    }

    private static byte[] Rewrite(byte[] xlsx, Action<ZipArchive> change)
    {
        using var copy = new MemoryStream();
        copy.Write(xlsx);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            change(zip);
        }

        return copy.ToArray();
    }
}
