using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
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
public sealed class ListMemos(CrmDb db, MemoVisibility visibility, CustomFieldListFilters customFilters)
{
    public const string SortByTitle = "title";
    public const string SortById = "id";
    public const string Written = "written";
    public const string ToReview = "to-review";

    /// <summary>The sorts: by title (the default), by ID.</summary>
    internal static readonly KeysetList<Memo, MemoListItem> Sorts = new KeysetList<Memo, MemoListItem>(m => m.Id, r => r.Id)
        .Sort(SortByTitle, keys => keys.Text(m => m.Title, r => r.Title))
        .Sort(SortById);

    public async Task<Result<ListPage<MemoListItem>>> RunAsync(Actor actor, MemoQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, CrmModules.Memos.Key) is { } refused)
        {
            return Result<ListPage<MemoListItem>>.Forbidden(refused);
        }

        var errors = Validate(query);
        await customFilters.CheckAsync(actor, CrmModules.Memos.Key, errors, cancellationToken);
        var custom = await customFilters.SortAsync(actor, CrmModules.Memos.Key, query.Sort, errors, cancellationToken);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize, custom);
        if (errors.Any)
        {
            return Result<ListPage<MemoListItem>>.Invalid(errors);
        }

        var rows = await Project(page.Read(await FilteredAsync(actor, query, cancellationToken))).ToListAsync(cancellationToken);
        return Result<ListPage<MemoListItem>>.Ok(await page.PageAsync([.. rows.Select(r => r.Item)], cancellationToken));
    }

    /// <summary>The query's search, sort, stage and box; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(MemoQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);

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
        var memos = await customFilters.ApplyAsync(actor, CrmModules.Memos.Key, db.Memos.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken)), cancellationToken);
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
