using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

/// <summary><c>box</c>: "written" (memos the actor wrote) or "to-review" (addressed to the actor and not reviewed yet).</summary>
public sealed record MemoQuery(string? Search = null, string? Stage = null, string? Box = null, string? Sort = null, string? Cursor = null, int? PageSize = null);

public sealed record MemoListItem(int Id, string Title, string Stage, bool IsDraft, Guid AuthorId, string AuthorName, Guid RecipientId, string RecipientName, DateTime CreatedAt);

/// <summary>
/// The memos the actor may view: their scope, plus those they wrote or must review, never someone
/// else's draft (one SQL filter); searched by title, by stage or box, sorted by title or ID, keyset-paged.
/// </summary>
public sealed class ListMemos(CrmDb db, MemoVisibility visibility)
{
    public const string SortByTitle = "title";
    public const string SortById = "id";
    public const string Written = "written";
    public const string ToReview = "to-review";

    public async Task<Result<ListPage<MemoListItem>>> RunAsync(Actor actor, MemoQuery query, CancellationToken cancellationToken)
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
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortByTitle ? 1 : 0);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<MemoListItem>>.Invalid(errors);
        }

        var memos = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByTitle)
            {
                var title = at.Keys[0];
                memos = at.Forward
                    ? memos.Where(m => m.Title.CompareTo(title) >= 0).Where(m => m.Title.CompareTo(title) > 0 || (m.Title == title && m.Id > id))
                    : memos.Where(m => m.Title.CompareTo(title) <= 0).Where(m => m.Title.CompareTo(title) < 0 || (m.Title == title && m.Id < id));
            }
            else
            {
                memos = at.Forward ? memos.Where(m => m.Id > id) : memos.Where(m => m.Id < id);
            }
        }

        var rows = await Project(Order(memos, sort, cursor?.Forward ?? true).Take(size + 1)).ToListAsync(cancellationToken);
        var items = rows.Select(r => r.Item).ToList();
        return Result<ListPage<MemoListItem>>.Ok(ListPaging.Page(items, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByTitle ? [row.Title] : [])));
    }

    internal static string SortOf(MemoQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByTitle;

    /// <summary>The query's search, sort, stage and box; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(MemoQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, 200, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByTitle, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"title\" or \"id\".");
        }

        if (!string.IsNullOrWhiteSpace(query.Stage) && MemoTexts.Stage(query.Stage) is null)
        {
            errors.Add("stage", "Stage is \"pending\", \"postponed\" or \"reviewed\".");
        }

        if (!string.IsNullOrWhiteSpace(query.Box) && query.Box is not (Written or ToReview))
        {
            errors.Add("box", $"Box is \"{Written}\" or \"{ToReview}\".");
        }

        return errors;
    }

    /// <summary>
    /// The memos the actor may view under the memo rules (never someone else's draft), matching a
    /// valid query's search, stage and box; the list and the export share it.
    /// </summary>
    internal async Task<IQueryable<Memo>> FilteredAsync(Actor actor, MemoQuery query, CancellationToken cancellationToken)
    {
        var memos = db.Memos.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken));
        if (TextSearch.Term(query.Search) is { } term)
        {
            memos = memos.Where(Memo.Matching(term));
        }

        if (MemoTexts.Stage(query.Stage) is { } wanted)
        {
            memos = memos.Where(m => m.Stage == wanted);
        }

        var me = actor.UserId ?? Guid.Empty;
        if (query.Box == Written)
        {
            memos = memos.Where(m => m.AuthorId == me);
        }
        else if (query.Box == ToReview)
        {
            memos = memos.Where(m => m.RecipientId == me && !m.IsDraft && m.Stage != MemoStage.Reviewed);
        }

        return memos;
    }

    internal static IOrderedQueryable<Memo> Order(IQueryable<Memo> memos, string sort, bool forward) => sort == SortByTitle
        ? (forward ? memos.OrderBy(m => m.Title).ThenBy(m => m.Id) : memos.OrderByDescending(m => m.Title).ThenByDescending(m => m.Id))
        : (forward ? memos.OrderBy(m => m.Id) : memos.OrderByDescending(m => m.Id));

    /// <summary>A list row as read from the database (the stage's text is made in memory).</summary>
    internal sealed record Row(int Id, string Title, MemoStage Stage, bool IsDraft, Guid AuthorId, string Author, Guid RecipientId, string Recipient, DateTime CreatedAt)
    {
        public MemoListItem Item => new(Id, Title, MemoTexts.Of(Stage), IsDraft, AuthorId, Author, RecipientId, Recipient, CreatedAt);
    }

    /// <summary>The list's columns; names by correlated lookups, so rows keep the query's order.</summary>
    internal IQueryable<Row> Project(IQueryable<Memo> memos) =>
        memos.Select(m => new Row(m.Id, m.Title, m.Stage, m.IsDraft, m.AuthorId,
            db.Users.Where(u => u.Id == m.AuthorId).Select(u => u.FullName).FirstOrDefault() ?? "",
            m.RecipientId,
            db.Users.Where(u => u.Id == m.RecipientId).Select(u => u.FullName).FirstOrDefault() ?? "",
            m.CreatedAt));
}
