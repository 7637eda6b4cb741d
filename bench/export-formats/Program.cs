// Export formats bench (ADR 0017): writes the same synthetic list of N rows (default 100,000) as
// CSV and xlsx with each candidate library and with the app's own writer (TableExport.WriteAsync),
// to a temporary file, and reports time, bytes allocated, the live managed heap's high-water mark
// (sampled after a full collection every 5,000 rows) and the file's size.
// Usage: dotnet run -c Release --project bench/export-formats -- [rows] [rounds]
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Crm.Web.Features.Records;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MiniExcelLibs;
using Sylvan.Data.Csv;

var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
string[] headers = ["ID", "Name", "City", "Country", "Phone", "Email", "Website", "Owner"];

var candidates = new (string Name, Func<Stream, Source, Task> Write)[]
{
    ("csv: app (TableExport)", (s, src) => src.Table(headers).WriteAsync(s, ExportFormat.Csv, CancellationToken.None)),
    ("csv: CsvHelper 34.0.0", CsvHelperAsync),
    ("csv: Sylvan.Data.Csv 1.4.4", SylvanAsync),
    ("xlsx: app (TableExport)", (s, src) => src.Table(headers).WriteAsync(s, ExportFormat.Xlsx, CancellationToken.None)),
    ("xlsx: OpenXml 3.3.0 OpenXmlWriter, SDK package read-write", OpenXmlAsync),
    ("xlsx: MiniExcel 1.47.1", MiniExcelAsync),
};

Console.WriteLine($"# Export formats: {rows:N0} rows x {headers.Length} columns, {rounds} rounds");
Console.WriteLine();
Console.WriteLine($"{Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, workstation GC, {TimeProvider.System.GetUtcNow():yyyy-MM-dd}");
Console.WriteLine();
Console.WriteLine("| writer | median time (s) | allocated (MB) | live heap high-water (MB) | live heap at start (MB) | file (MB) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var (name, write) in candidates)
{
    // Warm-up on a small list (JIT), then timed rounds without sampling, then one sampled round for memory.
    await RunAsync(write, new Source(1_000, sample: false));
    var times = new List<double>();
    long allocated = 0, size = 0;
    for (var r = 0; r < rounds; r++)
    {
        var source = new Source(rows, sample: false);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        size = await RunAsync(write, source);
        times.Add(watch.Elapsed.TotalSeconds);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    var sampled = new Source(rows, sample: true);
    await RunAsync(write, sampled);
    times.Sort();
    Console.WriteLine($"| {name} | {times[times.Count / 2]:F2} | {allocated / 1e6:F0} | {sampled.HighWater / 1e6:F1} | {sampled.AtStart / 1e6:F1} | {size / 1e6:F1} |");
}

static async Task<long> RunAsync(Func<Stream, Source, Task> write, Source source)
{
    var path = Path.Combine(Path.GetTempPath(), $"export-bench-{Guid.NewGuid():N}");
    try
    {
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await write(file, source);
        }

        return new FileInfo(path).Length;
    }
    finally
    {
        File.Delete(path);
    }
}

static async Task CsvHelperAsync(Stream stream, Source source)
{
    await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true);
    foreach (var header in source.Headers)
    {
        csv.WriteField(header);
    }

    await csv.EndRecordAsync(CancellationToken.None);
    await foreach (var row in source.RowsAsync(CancellationToken.None))
    {
        foreach (var cell in row)
        {
            csv.WriteField(Cells.Neutralise(cell));
        }

        await csv.EndRecordAsync(CancellationToken.None);
    }
}

static async Task SylvanAsync(Stream stream, Source source)
{
    // Sylvan writes from a DbDataReader: the rows are adapted to one (RowsReader below).
    await using var text = new StreamWriter(stream, new System.Text.UTF8Encoding(true), 65536, leaveOpen: true);
    await using var csv = CsvDataWriter.Create(text, new CsvDataWriterOptions { NewLine = "\r\n" });
    await csv.WriteAsync(new RowsReader(source), CancellationToken.None);
}

static async Task OpenXmlAsync(Stream stream, Source source)
{
    // The SDK's usual way: the package is opened read-write (a write-only package cannot be used:
    // the SDK reads its relationships while adding parts), so System.IO.Packaging updates the zip in place.
    using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
    var workbook = document.AddWorkbookPart();
    var sheet = workbook.AddNewPart<WorksheetPart>();
    using (var xml = OpenXmlWriter.Create(sheet))
    {
        xml.WriteStartElement(new Worksheet());
        xml.WriteStartElement(new SheetData());
        var number = 0;
        async IAsyncEnumerable<IReadOnlyList<string?>> All()
        {
            yield return source.Headers;
            await foreach (var row in source.RowsAsync(CancellationToken.None))
            {
                yield return row;
            }
        }

        await foreach (var row in All())
        {
            var r = (++number).ToString(CultureInfo.InvariantCulture);
            xml.WriteStartElement(new Row(), [new OpenXmlAttribute("r", "", r)]);
            for (var i = 0; i < row.Count; i++)
            {
                if (string.IsNullOrEmpty(row[i]))
                {
                    continue;
                }

                xml.WriteStartElement(new Cell(), [new("r", "", Xlsx.Column(i) + r), new("t", "", "inlineStr")]);
                xml.WriteStartElement(new InlineString());
                xml.WriteElement(new Text(row[i]!));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    workbook.Workbook = new Workbook(new Sheets(new Sheet { Name = "Export", SheetId = 1, Id = workbook.GetIdOfPart(sheet) }));
}

static async Task MiniExcelAsync(Stream stream, Source source)
{
    // MiniExcel takes a synchronous sequence of dictionaries (or an IDataReader); no per-cell style.
    await MiniExcel.SaveAsAsync(stream, new RowsReader(source), printHeader: true, sheetName: "Export");
}

/// <summary>A synthetic contacts list generated while it is read; every 50th name looks like a formula.</summary>
internal sealed class Source(int count, bool sample)
{
    public IReadOnlyList<string> Headers { get; } = ["ID", "Name", "City", "Country", "Phone", "Email", "Website", "Owner"];
    public long HighWater { get; private set; }
    public long AtStart { get; private set; }

    public TableExport Table(IReadOnlyList<string> headers) => new("bench", headers, RowsAsync);

    public async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            if (sample && (i == 1 || i % 5_000 == 0))
            {
                var live = GC.GetTotalMemory(forceFullCollection: true);
                AtStart = i == 1 ? live : AtStart;
                HighWater = Math.Max(HighWater, live);
            }

            if (i % 1_000 == 0)
            {
                await Task.Yield();
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return Row(i);
        }
    }

    public static string?[] Row(int i) =>
    [
        i.ToString(CultureInfo.InvariantCulture),
        i % 50 == 0 ? $"=HYPERLINK(\"http://x/{i}\",\"Company {i}\")" : $"Company {i}, Ltd.",
        "München", i % 3 == 0 ? null : "DE", $"+49 30 {i:D7}", $"contact{i}@example.com", $"https://example.com/{i}", "Ada Lovelace",
    ];
}

/// <summary>The rows as a forward-only data reader (for Sylvan and MiniExcel), all columns text.</summary>
internal sealed class RowsReader(Source source) : DbDataReader
{
    private readonly IAsyncEnumerator<IReadOnlyList<string?>> _rows = source.RowsAsync(CancellationToken.None).GetAsyncEnumerator();
    private IReadOnlyList<string?> _row = [];

    public override int FieldCount => source.Headers.Count;
    public override bool Read() => ReadAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await _rows.MoveNextAsync())
        {
            return false;
        }

        _row = [.. _rows.Current.Select(Cells.Neutralise)];
        return true;
    }

    public override string GetName(int ordinal) => source.Headers[ordinal];
    public override int GetOrdinal(string name) => source.Headers.ToList().IndexOf(name);
    public override Type GetFieldType(int ordinal) => typeof(string);
    public override string GetDataTypeName(int ordinal) => "text";
    public override string GetString(int ordinal) => _row[ordinal] ?? "";
    public override object GetValue(int ordinal) => _row[ordinal] is { } value ? value : DBNull.Value;
    public override bool IsDBNull(int ordinal) => _row[ordinal] is null;
    public override int GetValues(object[] values)
    {
        for (var i = 0; i < FieldCount; i++)
        {
            values[i] = GetValue(i);
        }

        return FieldCount;
    }

    public override DataTable GetSchemaTable()
    {
        var table = new DataTable();
        table.Columns.Add("ColumnName", typeof(string));
        table.Columns.Add("ColumnOrdinal", typeof(int));
        table.Columns.Add("DataType", typeof(Type));
        table.Columns.Add("AllowDBNull", typeof(bool));
        for (var i = 0; i < FieldCount; i++)
        {
            table.Rows.Add(GetName(i), i, typeof(string), true);
        }

        return table;
    }

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));
    public override int Depth => 0;
    public override bool HasRows => true;
    public override bool IsClosed => false;
    public override int RecordsAffected => -1;
    public override bool NextResult() => false;
    public override bool GetBoolean(int ordinal) => throw new NotSupportedException();
    public override byte GetByte(int ordinal) => throw new NotSupportedException();
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
    public override char GetChar(int ordinal) => throw new NotSupportedException();
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
    public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException();
    public override decimal GetDecimal(int ordinal) => throw new NotSupportedException();
    public override double GetDouble(int ordinal) => throw new NotSupportedException();
    public override float GetFloat(int ordinal) => throw new NotSupportedException();
    public override Guid GetGuid(int ordinal) => throw new NotSupportedException();
    public override short GetInt16(int ordinal) => throw new NotSupportedException();
    public override int GetInt32(int ordinal) => throw new NotSupportedException();
    public override long GetInt64(int ordinal) => throw new NotSupportedException();
    public override System.Collections.IEnumerator GetEnumerator() => throw new NotSupportedException();
}

/// <summary>Today's rule for CSV (a leading quote before =, +, -, @, tab, CR), for the candidates written here.</summary>
internal static class Cells
{
    public static string Neutralise(string? value) =>
        !string.IsNullOrEmpty(value) && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";
}
