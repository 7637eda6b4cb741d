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
        var errors = new FieldErrors().Text("search", "Search", query.Search, 200, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByTitle, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"title\" or \"id\".");
        }

        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        var stage = MemoTexts.Stage(query.Stage);
        if (!string.IsNullOrWhiteSpace(query.Stage) && stage is null)
        {
            errors.Add("stage", "Stage is \"pending\", \"postponed\" or \"reviewed\".");
        }

        if (!string.IsNullOrWhiteSpace(query.Box) && query.Box is not (Written or ToReview))
        {
            errors.Add("box", $"Box is \"{Written}\" or \"{ToReview}\".");
        }

        var sort = string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByTitle;
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

        var memos = db.Memos.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken));
        if (TextSearch.Term(query.Search) is { } term)
        {
            memos = memos.Where(Memo.Matching(term));
        }

        if (stage is { } wanted)
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

        var forward = cursor?.Forward ?? true;
        var ordered = sort == SortByTitle
            ? (forward ? memos.OrderBy(m => m.Title).ThenBy(m => m.Id) : memos.OrderByDescending(m => m.Title).ThenByDescending(m => m.Id))
            : (forward ? memos.OrderBy(m => m.Id) : memos.OrderByDescending(m => m.Id));
        var rows = await ordered.Take(size + 1)
            .Select(m => new
            {
                m.Id, m.Title, m.Stage, m.IsDraft, m.AuthorId, m.RecipientId, m.CreatedAt,
                Author = db.Users.Where(u => u.Id == m.AuthorId).Select(u => u.FullName).FirstOrDefault() ?? "",
                Recipient = db.Users.Where(u => u.Id == m.RecipientId).Select(u => u.FullName).FirstOrDefault() ?? "",
            })
            .ToListAsync(cancellationToken);
        var items = rows.Select(m => new MemoListItem(m.Id, m.Title, MemoTexts.Of(m.Stage), m.IsDraft, m.AuthorId, m.Author, m.RecipientId, m.Recipient, m.CreatedAt)).ToList();
        return Result<ListPage<MemoListItem>>.Ok(ListPaging.Page(items, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByTitle ? [row.Title] : [])));
    }
}
