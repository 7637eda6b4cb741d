namespace Crm.Web.Records;

/// <summary>The formats a list can be exported in.</summary>
public enum ExportFormat
{
    Csv,
    Xlsx,
}

/// <summary>
/// An exported list, ready to be written: the permission check, the hidden-field filtering and the
/// activity entry happened before it exists. Rows are read from the database while writing, so an
/// export of a large list is streamed, not held in memory.
/// </summary>
public sealed record TableExport(string BaseName, IReadOnlyList<string> Headers, Func<CancellationToken, IAsyncEnumerable<IReadOnlyList<string?>>> Rows)
{
    /// <summary>The format the caller asked for; what <see cref="ToDownload(CancellationToken)"/> writes.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    /// <summary>Further sheets of an xlsx, each a name and its rows (the first row bold); CSV has one table only and leaves them out.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<IReadOnlyList<string?>> Rows)> MoreSheets { get; init; } = [];

    public string FileName(ExportFormat format) => $"{BaseName}.{(format == ExportFormat.Xlsx ? "xlsx" : "csv")}";

    public static string ContentType(ExportFormat format) => format == ExportFormat.Xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8";

    public Task WriteAsync(Stream stream, ExportFormat format, CancellationToken cancellationToken) => format == ExportFormat.Xlsx
        ? Xlsx.WriteAsync(stream, this, cancellationToken)
        : Csv.WriteAsync(stream, this, cancellationToken);

    /// <summary>The HTTP result that streams the file as a download.</summary>
    public IResult ToDownload(ExportFormat format, CancellationToken cancellationToken) =>
        Results.Stream(stream => WriteAsync(stream, format, cancellationToken), ContentType(format), FileName(format));

    public IResult ToDownload(CancellationToken cancellationToken) => ToDownload(Format, cancellationToken);
}
