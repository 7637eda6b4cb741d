using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

/// <summary>
/// The current file list as CSV or xlsx: the file objects' metadata (never their content), exactly
/// those the list shows — the engine lets the actor view the file AND they may view its record.
/// Export permission; hidden fields left out; logged and audited.
/// </summary>
public sealed class ExportFiles(ListFiles list, FileVisibility visibility, ListExports exports)
{
    public const string ActivityKind = "files-exported";

    private static readonly ExportColumn<FileListItem>[] s_columns =
    [
        new("id", "ID", f => f.Id.ToString(CultureInfo.InvariantCulture)),
        new("name", "Name", f => f.Name),
        new("contentType", "Type", f => f.ContentType),
        new("size", "Size (bytes)", f => f.Size.ToString(CultureInfo.InvariantCulture)),
        new("related", "Attached to", f => f.RelatedLabel),
        new("related", "Attached to (ID)", f => $"{f.RelatedModule} ID {f.RelatedId}"),
        new("createdAt", "Uploaded at (UTC)", f => f.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
        new("owner", "Owner", f => f.OwnerName),
    ];

    public Task<Result<TableExport>> RunAsync(Actor actor, FileQuery query, string? format, CancellationToken cancellationToken) =>
        exports.RunAsync(actor, CrmModules.Files, query, format, _ => ListFiles.Validate(query), ct => ReadAsync(actor, query, ct), cancellationToken);

    /// <summary>The files of the records the actor may view, or null when the one record asked for is not visible.</summary>
    private async Task<ExportRows<FileListItem>?> ReadAsync(Actor actor, FileQuery query, CancellationToken cancellationToken)
    {
        if (await list.FilteredAsync(actor, query, cancellationToken) is not var (files, only))
        {
            return null;
        }

        // The records the files hang on, each checked once: the count and the rows keep only the visible ones.
        var perRecord = await files.GroupBy(f => new { f.RelatedModule, f.RelatedId })
            .Select(g => new { g.Key.RelatedModule, g.Key.RelatedId, Count = g.Count() }).ToListAsync(cancellationToken);
        var visible = new Dictionary<(string, int), RecordLink>();
        var count = 0;
        foreach (var record in perRecord)
        {
            if ((only ?? await visibility.RelatedAsync(actor, record.RelatedModule, record.RelatedId, cancellationToken)) is { } link)
            {
                visible[(record.RelatedModule, record.RelatedId)] = link;
                count += record.Count;
            }
        }

        var rows = list.Project(ListFiles.Sorts.Order(files, query.Sort));
        return new ExportRows<FileListItem>(s_columns, count, ct => Visible(rows.AsAsyncEnumerable(), visible, ct));
    }

    private static async IAsyncEnumerable<FileListItem> Visible(
        IAsyncEnumerable<FileListItem> rows, Dictionary<(string, int), RecordLink> visible, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (visible.TryGetValue((row.RelatedModule, row.RelatedId), out var link))
            {
                yield return row with { RelatedLabel = link.Label, RelatedUrl = link.Url };
            }
        }
    }
}
