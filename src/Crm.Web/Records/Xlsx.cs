using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Web.Records;

/// <summary>
/// A workbook of one sheet written with the Open XML SDK (ADR 0017). The sheet is written with the
/// SDK's forward-only <see cref="OpenXmlWriter"/>, row by row as the rows are read, straight into
/// its zip entry, so memory stays the same however many rows there are (bench/export-formats).
/// Every cell is an inline string, so nothing is ever evaluated; a value a spreadsheet would take
/// for a formula also gets the "quote prefix" style, which keeps it text even after someone edits
/// the cell.
/// </summary>
public static class Xlsx
{
    // Cell styles (the order of cellXfs in the style sheet): headers are bold, formula-like text keeps its quote prefix.
    private const string HeaderStyle = "1";
    private const string QuotePrefixStyle = "2";

    public static async Task WriteAsync(Stream stream, TableExport table, CancellationToken cancellationToken)
    {
        // The SDK builds the package around an empty sheet, in memory (a few kilobytes).
        using var skeleton = new MemoryStream();
        string sheetEntry;
        using (var document = SpreadsheetDocument.Create(skeleton, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(new SheetData());
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var sheets = new Sheets(new Sheet { Name = "Export", SheetId = 1, Id = workbook.GetIdOfPart(sheet) });
            // Further sheets are small (an import template's allowed values): built whole, in the skeleton.
            foreach (var (name, rows) in table.MoreSheets)
            {
                var more = workbook.AddNewPart<WorksheetPart>();
                more.Worksheet = new Worksheet(new SheetData(rows.Select((row, r) => new Row(row.Select((value, c) => new Cell
                {
                    CellReference = Column(c) + (r + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(Clean(value))),
                    StyleIndex = r == 0 ? 1u : FormulaText.LooksLikeFormula(Clean(value)) ? 2u : null,
                })) { RowIndex = (uint)(r + 1) })));
                sheets.Append(new Sheet { Name = name, SheetId = (uint)(sheets.ChildElements.Count + 1), Id = workbook.GetIdOfPart(more) });
            }

            workbook.Workbook = new Workbook(sheets);
            sheetEntry = sheet.Uri.OriginalString.TrimStart('/');
        }

        // Its parts are copied into a zip written entry by entry, the sheet's rows streamed in as they
        // are read. The SDK's own package cannot take them: it opens the zip read-write, which keeps
        // every part in memory until the end, and a write-only package is refused by the SDK.
        // ZipArchive writes synchronously, which ASP.NET Core forbids on the response: the zip goes
        // to a temporary file (deleted on close), copied asynchronously at the end.
        var path = Path.Combine(Path.GetTempPath(), $"crm-export-{Guid.NewGuid():N}.xlsx");
        await using var buffer = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        skeleton.Position = 0;
        using (var parts = new ZipArchive(skeleton, ZipArchiveMode.Read))
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var part in parts.Entries)
            {
                using var target = zip.CreateEntry(part.FullName, CompressionLevel.Fastest).Open();
                if (part.FullName != sheetEntry)
                {
                    using var source = part.Open();
                    source.CopyTo(target);
                    continue;
                }

                using var xml = OpenXmlWriter.Create(target, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                xml.WriteStartDocument(standalone: true);
                xml.WriteStartElement(new Worksheet());
                xml.WriteStartElement(new SheetData());
                var rowNumber = 1;
                Row(xml, rowNumber, table.Headers, header: true);
                await foreach (var row in table.Rows(cancellationToken).WithCancellation(cancellationToken))
                {
                    Row(xml, ++rowNumber, row, header: false);
                }

                xml.WriteEndElement();
                xml.WriteEndElement();
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    // The writer reads only an element's name from these (their attributes are passed alongside), so
    // one instance each serves every cell instead of three new objects per cell.
    private static readonly Row s_row = new();
    private static readonly Cell s_cell = new();
    private static readonly InlineString s_inlineString = new();
    private static readonly Text s_text = new();

    private static void Row(OpenXmlWriter xml, int number, IReadOnlyList<string?> cells, bool header)
    {
        var rowReference = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        xml.WriteStartElement(s_row, [new OpenXmlAttribute("r", "", rowReference)]);
        for (var i = 0; i < cells.Count; i++)
        {
            var value = Clean(cells[i]);
            if (value.Length == 0)
            {
                continue;
            }

            var reference = new OpenXmlAttribute("r", "", Column(i) + rowReference);
            var inline = new OpenXmlAttribute("t", "", "inlineStr");
            xml.WriteStartElement(s_cell, header ? [reference, inline, new OpenXmlAttribute("s", "", HeaderStyle)]
                : FormulaText.LooksLikeFormula(value) ? [reference, inline, new OpenXmlAttribute("s", "", QuotePrefixStyle)]
                : [reference, inline]);
            xml.WriteStartElement(s_inlineString);
            // Leading or trailing spaces survive only when the text says to keep them.
            xml.WriteStartElement(s_text, value.Trim().Length != value.Length ? [new OpenXmlAttribute("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve")] : []);
            xml.WriteString(value);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>Style 0: default; 1: bold (headers); 2: quote prefix (formula-like text stays text).</summary>
    private static Stylesheet Styles() => new(
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" })) { Count = 2 },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, QuotePrefix = true }) { Count = 3 });

    /// <summary>0 → A, 25 → Z, 26 → AA.</summary>
    public static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    // XML 1.0 cannot carry most control characters or a lone surrogate: those are left out.
    private static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var clean = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (XmlConvert.IsXmlChar(value[i]))
            {
                clean.Append(value[i]);
            }
            else if (i + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i]))
            {
                clean.Append(value[i]).Append(value[i + 1]);
                i++;
            }
        }

        return clean.ToString();
    }
}
