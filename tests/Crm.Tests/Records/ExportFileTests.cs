using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Records;

/// <summary>
/// The export files read back with the libraries an import will use (ADR 0017): the Open XML SDK
/// finds a workbook of text cells only, with every formula-like text quote-prefixed, and CsvHelper
/// reads the CSV back cell for cell, each formula-like one behind a leading quote.
/// </summary>
public sealed class ExportFileTests
{
    private static readonly string[] s_names =
    [
        "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain, \"Quoted\" Inc.", "  Spaced  ", "Bell\u0007Ltd", "Ümlaut & <Co>",
    ];

    [Fact]
    public async Task The_sdk_finds_only_text_cells_and_every_formula_like_text_carries_the_quote_prefix_style()
    {
        await using var app = new CrmApp();
        var adminId = await app.AdminIdAsync();
        foreach (var name in s_names)
        {
            await CompanyAsync(app, name, adminId, null);
        }

        var admin = await app.SignInAsAdminAsync();
        var response = await admin.Http.GetAsync("/api/v1/companies/export?format=xlsx&sort=id");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches(@"^companies-\d{4}-\d{2}-\d{2}\.xlsx$", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);

        using var document = SpreadsheetDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), isEditable: false);
        var workbook = document.WorkbookPart!;
        var sheet = Assert.Single(workbook.Workbook.Sheets!.Elements<Sheet>());
        Assert.Equal("Export", sheet.Name!.Value);
        var cells = ((WorksheetPart)workbook.GetPartById(sheet.Id!.Value!)).Worksheet.Descendants<Cell>().ToList();
        Assert.DoesNotContain(cells, c => c.CellFormula is not null);
        Assert.All(cells, c => Assert.Equal(CellValues.InlineString, c.DataType!.Value));
        Assert.Empty(workbook.Workbook.Descendants<DefinedName>());
        Assert.Null(workbook.SharedStringTablePart);

        var formats = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        bool QuotePrefixed(Cell cell) => cell.StyleIndex is { } style && formats[(int)style.Value].QuotePrefix?.Value == true;
        string TextOf(Cell cell) => cell.InlineString!.Text!.Text;

        var header = cells.Where(c => c.CellReference!.Value!.EndsWith('1') && c.CellReference.Value.Length == 2).Select(TextOf).ToList();
        Assert.Equal(["ID", "Name", "City", "Country", "Phone", "Email", "Website", "Owner"], header);
        var names = cells.Where(c => c.CellReference!.Value!.StartsWith('B') && c.CellReference.Value != "B1").ToList();
        // Control characters XML cannot carry are left out, spaces at either end are kept, and a
        // carriage return reads back as a line feed (XML's own line-end rule), as before ADR 0017.
        Assert.Equal([.. s_names.Select(n => n.Replace("\u0007", "", StringComparison.Ordinal).Replace('\r', '\n'))], names.Select(TextOf));

        // Every cell a spreadsheet would evaluate keeps its text but is marked as text; no other cell is.
        Assert.Equal(s_names.Select(FormulaText.LooksLikeFormula), names.Select(QuotePrefixed));
        Assert.Equal(6, names.Count(QuotePrefixed));
        Assert.All(cells.Except(names), c => Assert.False(QuotePrefixed(c), TextOf(c)));
        Assert.All(cells.Where(c => !QuotePrefixed(c)), c => Assert.False(FormulaText.LooksLikeFormula(TextOf(c)), TextOf(c)));
    }

    [Fact]
    public async Task CsvHelper_reads_the_csv_back_and_formula_like_cells_start_with_a_quote()
    {
        await using var app = new CrmApp();
        var adminId = await app.AdminIdAsync();
        foreach (var name in s_names)
        {
            await CompanyAsync(app, name, adminId, null);
        }

        var admin = await app.SignInAsAdminAsync();
        var response = await admin.Http.GetAsync("/api/v1/companies/export?format=csv&sort=id");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Matches(@"^companies-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);

        using var csv = CsvReader.Create(new MemoryStream(bytes), new CsvReaderOptions { HasHeader = false });
        var rows = new List<List<string>>();
        while (csv.Read())
        {
            rows.Add([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)]);
        }

        Assert.Equal(',', csv.Separator);
        Assert.Equal(["ID", "Name", "City", "Country", "Phone", "Email", "Website", "Owner"], rows[0]);
        Assert.Equal(s_names.Length + 1, rows.Count);
        Assert.Equal([.. s_names.Select(n => FormulaText.LooksLikeFormula(n) ? "'" + n : n)], rows.Skip(1).Select(r => r[1]));
        Assert.All(rows.Skip(1).Select(r => r[1]), n => Assert.False(n.Length > 0 && n[0] is '=' or '+' or '-' or '@' or '\t' or '\r', n));
    }
}
