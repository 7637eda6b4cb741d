using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Crm.Web.Features.Records;

/// <summary>
/// A minimal Office Open XML workbook (one sheet, inline strings) written without a library: the
/// package is a zip of a few fixed XML parts plus the sheet. Every cell is text, so nothing is ever
/// evaluated; a value a spreadsheet would take for a formula also gets the "quote prefix" style,
/// which keeps it text even after someone edits the cell.
/// </summary>
public static class Xlsx
{
    private const string SheetNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static async Task WriteAsync(Stream stream, TableExport table, CancellationToken cancellationToken)
    {
        // ZipArchive writes synchronously, which ASP.NET Core forbids on the response: build the
        // package in a temporary file (deleted on close), then copy it asynchronously.
        var path = Path.Combine(Path.GetTempPath(), $"crm-export-{Guid.NewGuid():N}.xlsx");
        await using var buffer = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
                "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" +
                "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>" +
                "</Types>");
            Part(zip, "_rels/.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>" +
                "</Relationships>");
            Part(zip, "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                $"<workbook xmlns=\"{SheetNs}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                "<sheets><sheet name=\"Export\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
            Part(zip, "xl/_rels/workbook.xml.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>" +
                "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>" +
                "</Relationships>");
            // Style 0: default; 1: bold (headers); 2: quote prefix (formula-like text stays text).
            Part(zip, "xl/styles.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                $"<styleSheet xmlns=\"{SheetNs}\">" +
                "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>" +
                "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>" +
                "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>" +
                "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>" +
                "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" +
                "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>" +
                "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" quotePrefix=\"1\"/></cellXfs>" +
                "</styleSheet>");

            var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest);
            await using var entry = sheet.Open();
            await using var xml = XmlWriter.Create(entry, new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false) });
            await xml.WriteStartDocumentAsync(standalone: true);
            await xml.WriteStartElementAsync(null, "worksheet", SheetNs);
            await xml.WriteStartElementAsync(null, "sheetData", SheetNs);
            var rowNumber = 1;
            await RowAsync(xml, rowNumber, table.Headers, header: true);
            await foreach (var row in table.Rows(cancellationToken).WithCancellation(cancellationToken))
            {
                await RowAsync(xml, ++rowNumber, row, header: false);
            }

            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(stream, cancellationToken);
    }

    private static async Task RowAsync(XmlWriter xml, int number, IReadOnlyList<string?> cells, bool header)
    {
        await xml.WriteStartElementAsync(null, "row", SheetNs);
        await xml.WriteAttributeStringAsync(null, "r", null, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 0; i < cells.Count; i++)
        {
            var value = Clean(cells[i]);
            if (value.Length == 0)
            {
                continue;
            }

            await xml.WriteStartElementAsync(null, "c", SheetNs);
            await xml.WriteAttributeStringAsync(null, "r", null, Column(i) + number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await xml.WriteAttributeStringAsync(null, "t", null, "inlineStr");
            if (header)
            {
                await xml.WriteAttributeStringAsync(null, "s", null, "1");
            }
            else if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            {
                await xml.WriteAttributeStringAsync(null, "s", null, "2");
            }

            await xml.WriteStartElementAsync(null, "is", SheetNs);
            await xml.WriteStartElementAsync(null, "t", SheetNs);
            if (value.Trim().Length != value.Length)
            {
                await xml.WriteAttributeStringAsync("xml", "space", null, "preserve");
            }

            await xml.WriteStringAsync(value);
            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
        }

        await xml.WriteEndElementAsync();
    }

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

    private static void Part(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
