using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
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
    public const int SearchMaxLength = 200;

    public async Task<Result<ListPage<FileListItem>>> RunAsync(Actor actor, FileQuery query, CancellationToken cancellationToken)
    {
        var size = query.PageSize ?? ListPaging.DefaultPageSize;
        var errors = Validate(query);
        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        var sort = SortOf(query);
        ListCursor? cursor = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortByName ? 1 : 0);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<FileListItem>>.Invalid(errors);
        }

        if (await FilteredAsync(actor, query, cancellationToken) is not var (files, only))
        {
            return Result<ListPage<FileListItem>>.NotFound();
        }

        var forward = cursor?.Forward ?? true;
        var rows = new List<FileListItem>();
        var related = new Dictionary<(string, int), RecordLink?>();
        var at = cursor;
        // Across records, rows whose record is hidden are dropped, so read in batches until the page (plus one) is full.
        for (var batch = 0; batch < 20 && rows.Count <= size; batch++)
        {
            var read = await Project(Ordered(After(files, at, sort), sort, forward).Take(size + 1)).ToListAsync(cancellationToken);
            foreach (var row in read)
            {
                var key = (row.RelatedModule, row.RelatedId);
                if (!related.TryGetValue(key, out var link))
                {
                    related[key] = link = only ?? await visibility.RelatedAsync(actor, row.RelatedModule, row.RelatedId, cancellationToken);
                }

                if (link is not null && rows.Count <= size)
                {
                    rows.Add(row with { RelatedLabel = link.Label, RelatedUrl = link.Url });
                }
            }

            if (read.Count <= size)
            {
                break;
            }

            at = new ListCursor(sort, forward, read[^1].Id, sort == SortByName ? [read[^1].Name] : []);
        }

        return Result<ListPage<FileListItem>>.Ok(ListPaging.Page(rows, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByName ? [row.Name] : [])));
    }

    internal static string SortOf(FileQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByName;

    /// <summary>The query's search, sort and record; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(FileQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, SearchMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByName, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"name\" or \"id\".");
        }

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

    private static IQueryable<FileObject> After(IQueryable<FileObject> files, ListCursor? at, string sort)
    {
        if (at is null)
        {
            return files;
        }

        var id = at.Id;
        if (sort == SortById)
        {
            return at.Forward ? files.Where(f => f.Id > id) : files.Where(f => f.Id < id);
        }

        var name = at.Keys[0];
        return at.Forward
            ? files.Where(f => f.Name.CompareTo(name) >= 0).Where(f => f.Name.CompareTo(name) > 0 || (f.Name == name && f.Id > id))
            : files.Where(f => f.Name.CompareTo(name) <= 0).Where(f => f.Name.CompareTo(name) < 0 || (f.Name == name && f.Id < id));
    }

    internal static IQueryable<FileObject> Ordered(IQueryable<FileObject> files, string sort, bool forward) => sort == SortByName
        ? (forward ? files.OrderBy(f => f.Name).ThenBy(f => f.Id) : files.OrderByDescending(f => f.Name).ThenByDescending(f => f.Id))
        : (forward ? files.OrderBy(f => f.Id) : files.OrderByDescending(f => f.Id));
}
