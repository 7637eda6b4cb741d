using System.Globalization;
using Crm.Web.Features.Records;
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

    public async Task<Result<TableExport>> RunAsync(Actor actor, FileQuery query, string? format, CancellationToken cancellationToken)
    {
        var start = await exports.StartAsync(actor, CrmModules.Files, format, _ => ListFiles.Validate(query), cancellationToken);
        if (!start.IsOk)
        {
            return start.Map<TableExport>();
        }

        if (await list.FilteredAsync(actor, query, cancellationToken) is not var (files, only))
        {
            return Result<TableExport>.NotFound();
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

        var rows = list.Project(ListFiles.Ordered(files, ListFiles.SortOf(query), forward: true));
        return Result<TableExport>.Ok(await exports.FinishAsync(actor, start.Value!, query with { Cursor = null, PageSize = null }, s_columns,
            count, ct => Visible(rows.AsAsyncEnumerable(), visible, ct), cancellationToken));
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
