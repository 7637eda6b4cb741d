using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

public sealed record FileQuery(string? Module = null, int? Id = null, string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null);

public sealed record FileListItem(int Id, string Name, string ContentType, long Size, string RelatedModule, int RelatedId, DateTime CreatedAt, Guid OwnerId, string OwnerName)
{
    public string? RelatedLabel { get; init; }
    public string? RelatedUrl { get; init; }
}

/// <summary>
/// The file objects the actor may view, of one record or of all records, searched by name, sorted
/// by name or ID, keyset-paged. A file is listed only if its record is visible too: for one record
/// that is checked once; across records each row's record is checked (cached per record), reading
/// on until the page is full, so pages never leak and stay full.
/// </summary>
public sealed class ListFiles(CrmDb db, FileVisibility visibility)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    /// <summary>The sorts: by name (the default), by ID.</summary>
    internal static readonly KeysetList<FileObject, FileListItem> Sorts = new KeysetList<FileObject, FileListItem>(f => f.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(f => f.Name, r => r.Name))
        .Sort(SortById);

    public async Task<Result<ListPage<FileListItem>>> RunAsync(Actor actor, FileQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, CrmModules.Files.Key) is { } refused)
        {
            return Result<ListPage<FileListItem>>.Forbidden(refused);
        }

        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<FileListItem>>.Invalid(errors);
        }

        if (await FilteredAsync(actor, query, cancellationToken) is not var (files, only))
        {
            return Result<ListPage<FileListItem>>.NotFound();
        }

        var rows = new List<FileListItem>();
        var related = new Dictionary<(string, int), RecordLink?>();
        FileListItem? last = null;
        // Across records, rows whose record is hidden are dropped, so read in batches until the page (plus one) is full.
        for (var batch = 0; batch < 20 && rows.Count <= page.Size; batch++)
        {
            var read = await Project(page.Read(files, from: last)).ToListAsync(cancellationToken);
            foreach (var row in read)
            {
                var key = (row.RelatedModule, row.RelatedId);
                if (!related.TryGetValue(key, out var link))
                {
                    related[key] = link = only ?? await visibility.RelatedAsync(actor, row.RelatedModule, row.RelatedId, cancellationToken);
                }

                if (link is not null && rows.Count <= page.Size)
                {
                    rows.Add(row with { RelatedLabel = link.Label, RelatedUrl = link.Url });
                }
            }

            if (read.Count <= page.Size)
            {
                break;
            }

            last = read[^1];
        }

        return Result<ListPage<FileListItem>>.Ok(page.Page(rows));
    }

    /// <summary>The query's search, sort and record; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(FileQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);

        if (string.IsNullOrWhiteSpace(query.Module) != (query.Id is null))
        {
            errors.Add(query.Id is null ? "id" : "module", "Give both the module and the ID of the record, or neither.");
        }

        return errors;
    }

    /// <summary>
    /// The file objects the engine lets the actor view, of the one record asked for (null when that
    /// record is invisible: a 404) or of all records, matching the search. Rows of records the actor
    /// may not view are still in it: the caller drops them (see <see cref="FileVisibility"/>).
    /// </summary>
    internal async Task<(IQueryable<FileObject> Files, RecordLink? Only)?> FilteredAsync(Actor actor, FileQuery query, CancellationToken cancellationToken)
    {
        RecordLink? only = null;
        if (query.Module is { Length: > 0 } module)
        {
            only = await visibility.RelatedAsync(actor, module, query.Id!.Value, cancellationToken);
            if (only is null)
            {
                return null;
            }
        }

        var files = db.FileObjects.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken));
        if (only is not null)
        {
            files = files.Where(f => f.RelatedModule == only.Module && f.RelatedId == only.Id);
        }

        if (TextSearch.Term(query.Search) is { } term)
        {
            files = files.Where(FileObject.Matching(term));
        }

        return (files, only);
    }

    /// <summary>The list's columns (metadata only); the owner's name by a correlated lookup, so rows keep the query's order.</summary>
    internal IQueryable<FileListItem> Project(IQueryable<FileObject> files) =>
        files.Select(f => new FileListItem(f.Id, f.Name, f.ContentType, f.Size, f.RelatedModule, f.RelatedId, f.CreatedAt, f.OwnerId,
            db.Users.Where(u => u.Id == f.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
