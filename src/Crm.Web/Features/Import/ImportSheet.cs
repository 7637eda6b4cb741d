using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Crm.Web.Features.Import;

/// <summary>Import limits (<c>Import:*</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest file accepted, in megabytes.</summary>
    public int MaxFileMegabytes { get; set; } = 50;

    /// <summary>What a file over <see cref="MaxFileMegabytes"/> is told, by the use case and by the upload endpoint when the server stops reading it.</summary>
    public string TooLarge => $"The file is larger than {MaxFileMegabytes} MB, the most one import takes. Split it into several files.";

    /// <summary>The most data rows a file may have.</summary>
    public int MaxRows { get; set; } = 200_000;

    /// <summary>How long an import can be undone, in days.</summary>
    public int UndoDays { get; set; } = 30;

    /// <summary>How long an instance holds a run it works on without renewing; after that another instance starts it again.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>False: no background loop (the tests run <see cref="ImportWorker.RunNextAsync"/> themselves, as they drive the scheduler).</summary>
    public bool RunInBackground { get; set; } = true;
}

/// <summary>A file read for import: its header row and its data rows, every cell as text (null when empty), each row with its number in the file.</summary>
public sealed record ImportSheet(IReadOnlyList<string> Headers, IReadOnlyList<(int Number, string?[] Cells)> Rows);

/// <summary>
/// Reads CSV (RFC 4180 through CsvHelper: UTF-8 with or without a byte-order mark, the separator
/// detected among comma, semicolon and tab, quoted line breaks) and xlsx (the first worksheet through
/// the Open XML SDK, read as a stream of elements). Every cell is text: a formula cell is read as the
/// value the spreadsheet last computed, never evaluated, and a date cell as an ISO date. A file that is
/// not what it claims, damaged, too large, or a compression bomb is refused with one clear message.
/// </summary>
public static class ImportSheets
{
    // An xlsx is a zip of XML: real workbooks compress text about 5 to 20 times; a bomb, thousands of times.
    private const int MaxCompressionRatio = 200;
    private const long MaxUncompressedBytes = 1L << 30;

    public static string? KindOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => "csv",
        ".xlsx" => "xlsx",
        _ => null,
    };

    /// <summary>The sheet, or the one problem that stops the file from being read.</summary>
    public static (ImportSheet? Sheet, string? Problem) Read(byte[] content, string kind, int maxRows)
    {
        try
        {
            var sheet = kind == "xlsx" ? ReadXlsx(content, maxRows) : ReadCsv(content, maxRows);
            if (sheet.Headers.Count == 0 || sheet.Headers.All(string.IsNullOrWhiteSpace))
            {
                return (null, "The file has no header row: its first row must name the columns.");
            }

            var duplicate = sheet.Headers.Where(h => h.Length > 0).GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            return duplicate is not null
                ? (null, $"Two columns are named \"{duplicate.Key}\"; give each column its own name.")
                : (sheet, null);
        }
        catch (TooManyRowsException)
        {
            return (null, $"The file has more than {maxRows:N0} rows, the most one import takes. Split it into several files.");
        }
        catch (Exception e) when (e is InvalidDataException or OpenXmlPackageException or FileFormatException or System.Xml.XmlException
            or CsvFormatException or InvalidOperationException or NotSupportedException or IOException or ArgumentException)
        {
            return (null, kind == "xlsx"
                ? "The file could not be read as an Excel workbook (.xlsx): it is damaged, protected, or another kind of file."
                : "The file could not be read as CSV: " + (e is CsvFormatException ? "its quoting is broken." : "it is damaged or another kind of file."));
        }
    }

    private static ImportSheet ReadCsv(byte[] content, int maxRows)
    {
        if (content.AsSpan(0, Math.Min(content.Length, 4)).SequenceEqual("PK\u0003\u0004"u8))
        {
            throw new InvalidDataException("A zip file, not CSV.");
        }

        // A record of 1 MB is far beyond any real row; an unclosed quote must not swallow the whole file.
        using var csv = CsvReader.Create(content, CsvReaderOptions.Default with { MaxRecordSize = 1 << 20, TrimWhitespace = false, MalformedData = CsvMalformedDataHandling.Throw });
        var headers = csv.Headers.Select(h => h.Trim()).ToList();
        var rows = new List<(int, string?[])>();
        while (csv.Read())
        {
            if (rows.Count == maxRows)
            {
                throw new TooManyRowsException();
            }

            var cells = new string?[headers.Count];
            for (var i = 0; i < Math.Min(headers.Count, csv.FieldCount); i++)
            {
                cells[i] = Clean(csv.GetString(i));
            }

            if (cells.Any(c => c is not null))
            {
                rows.Add(((int)csv.RowNumber + 1, cells));
            }
        }

        return new ImportSheet(headers, rows);
    }

    private static ImportSheet ReadXlsx(byte[] content, int maxRows)
    {
        CheckZip(content);
        using var stream = new MemoryStream(content, writable: false);
        using var document = SpreadsheetDocument.Open(stream, false, new OpenSettings { AutoSave = false });
        var workbook = document.WorkbookPart ?? throw new InvalidDataException("No workbook.");
        var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("No sheet.");
        var part = (WorksheetPart)workbook.GetPartById(first.Id!.Value!);
        var strings = SharedStrings(workbook);
        var dateStyles = DateStyles(workbook);

        List<string>? headers = null;
        var rows = new List<(int, string?[])>();
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
            {
                continue;
            }

            var row = (Row)reader.LoadCurrentElement()!;
            var number = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 2));
            var cells = new Dictionary<int, string?>();
            var position = 0;
            foreach (var cell in row.Elements<Cell>())
            {
                position = cell.CellReference?.Value is { } reference ? ColumnOf(reference) : position;
                cells[position] = Clean(ValueOf(cell, strings, dateStyles));
                position++;
            }

            if (headers is null)
            {
                var width = cells.Count == 0 ? 0 : cells.Keys.Max() + 1;
                headers = Enumerable.Range(0, width).Select(i => cells.GetValueOrDefault(i)?.Trim() ?? "").ToList();
                continue;
            }

            var values = new string?[headers.Count];
            foreach (var (column, value) in cells)
            {
                if (column < values.Length)
                {
                    values[column] = value;
                }
            }

            if (values.Any(v => v is not null))
            {
                if (rows.Count == maxRows)
                {
                    throw new TooManyRowsException();
                }

                rows.Add((number, values));
            }
        }

        return new ImportSheet(headers ?? [], rows);
    }

    /// <summary>Refuses a zip whose parts would inflate far beyond any real workbook (a compression bomb), before any part is read.</summary>
    /// <summary>
    /// The workbook's shared strings, read one item at a time: loading the table whole builds an element
    /// tree of every string of the file (three per row of names and emails, a hundred megabytes for a
    /// 100,000-row file) only to read each item's text once.
    /// </summary>
    private static string[] SharedStrings(WorkbookPart workbook)
    {
        if (workbook.SharedStringTablePart is not { } table)
        {
            return [];
        }

        var strings = new List<string>();
        using var reader = OpenXmlReader.Create(table);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                strings.Add(reader.LoadCurrentElement()!.InnerText);
            }
        }

        return [.. strings];
    }

    private static void CheckZip(byte[] content)
    {
        using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            total += entry.Length;
            if (total > MaxUncompressedBytes || (entry.Length > 1_000_000 && entry.Length > entry.CompressedLength * MaxCompressionRatio))
            {
                throw new InvalidDataException("The workbook inflates beyond any real spreadsheet.");
            }
        }
    }

    private static string? ValueOf(Cell cell, string[] strings, HashSet<uint> dateStyles)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText;
        }

        // A formula cell carries the value last computed in <v>; the formula itself is never read.
        var raw = cell.CellValue?.Text;
        if (raw is null)
        {
            return null;
        }

        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < strings.Length ? strings[index] : null;
        }

        if (type == CellValues.Boolean)
        {
            return raw == "1" ? "true" : "false";
        }

        if ((type is null || type == CellValues.Number) && cell.StyleIndex?.Value is { } style && dateStyles.Contains(style)
            && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 0 and < 2958466)
        {
            var date = DateTime.FromOADate(serial);
            return date.TimeOfDay == TimeSpan.Zero
                ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        }

        return raw;
    }

    /// <summary>The cell styles whose number format shows a date: the built-in date formats and custom ones made of day, month and year codes.</summary>
    private static HashSet<uint> DateStyles(WorkbookPart workbook)
    {
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null && IsDateFormat(f.FormatCode?.Value))
            .Select(f => f.NumberFormatId!.Value).ToHashSet() ?? [];
        var styles = new HashSet<uint>();
        var index = 0u;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = format.NumberFormatId?.Value ?? 0;
            if (id is >= 14 and <= 22 or >= 45 and <= 47 || custom.Contains(id))
            {
                styles.Add(index);
            }

            index++;
        }

        return styles;
    }

    private static bool IsDateFormat(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return false;
        }

        // Text in quotes and [colour]/[locale] sections say nothing about the kind of value.
        var plain = System.Text.RegularExpressions.Regex.Replace(code, "\"[^\"]*\"|\\[[^\\]]*\\]", "");
        return plain.IndexOfAny(['d', 'D', 'y', 'Y']) >= 0 || (plain.Contains('m', StringComparison.OrdinalIgnoreCase) && !plain.Contains('0'));
    }

    /// <summary>"C17" → 2 (zero-based column).</summary>
    private static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }

            column = column * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return column - 1;
    }

    // Whitespace around a value is never meant; an empty cell is no value.
    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class TooManyRowsException : Exception;
}
