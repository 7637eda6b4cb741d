using CsvHelper;

namespace Crm.Web.Records;

/// <summary>RFC 4180 CSV through CsvHelper (ADR 0017), safe to open in a spreadsheet.</summary>
public static class Csv
{
    // UTF-8 with a byte-order mark, so spreadsheets pick the encoding; comma, CRLF, quoted only when needed.
    private static readonly CsvWriterOptions s_options = new() { WriteByteOrderMark = true };

    /// <summary>
    /// Writes the table as it is read: the writer fills a 64 KiB buffer and hands it to the response
    /// asynchronously when it is mostly full, so memory stays the same however many rows there are.
    /// </summary>
    public static async Task WriteAsync(Stream stream, TableExport table, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(stream, s_options, leaveOpen: true);
        await RecordAsync(csv, table.Headers, cancellationToken);
        await foreach (var row in table.Rows(cancellationToken).WithCancellation(cancellationToken))
        {
            await RecordAsync(csv, row, cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static async Task RecordAsync(CsvWriter csv, IReadOnlyList<string?> cells, CancellationToken cancellationToken)
    {
        foreach (var cell in cells)
        {
            csv.WriteField(FormulaText.Neutralise(cell));
        }

        await csv.EndRecordAsync(cancellationToken);
    }
}

/// <summary>
/// Cells a spreadsheet would run as a formula: text starting with =, +, -, @, tab or CR (OWASP's list).
/// CSV gets a leading single quote, which spreadsheets show as "this is text" (CsvHelper's own
/// escape would also quote the field, changing the file users already know); xlsx keeps the text
/// and marks the cell with the quote-prefix style instead.
/// </summary>
public static class FormulaText
{
    public static bool LooksLikeFormula(string? value) =>
        !string.IsNullOrEmpty(value) && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>The text a CSV cell holds: <c>=1+1</c> becomes <c>'=1+1</c>; null becomes empty.</summary>
    public static string Neutralise(string? value) => LooksLikeFormula(value) ? "'" + value : value ?? "";
}
