namespace Crm.Web.Features.Records;

/// <summary>RFC 4180 CSV, safe to open in a spreadsheet.</summary>
public static class Csv
{
    /// <summary>Writes the table as UTF-8 CSV (with a byte-order mark, so spreadsheets pick the encoding).</summary>
    public static async Task WriteAsync(Stream stream, TableExport table, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteAsync(Line(table.Headers));
        await foreach (var row in table.Rows(cancellationToken).WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Line(row));
        }
    }

    /// <summary>One record ending in CRLF; each cell neutralised and quoted when needed.</summary>
    public static string Line(IEnumerable<string?> cells) => string.Join(",", cells.Select(Cell)) + "\r\n";

    /// <summary>
    /// A cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a
    /// leading single quote, so it is shown as text; then quotes, commas and line breaks are quoted.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny(['"', ',', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
