using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// Filters: <c>status</c> is "open" (open or in progress) or one state; <c>responsible</c> a user ID
/// ("me" for the actor); <c>relatedModule</c>+<c>relatedId</c>; <c>parentId</c>.
/// </summary>
public sealed record TaskQuery(
    string? Search = null, string? Status = null, string? Priority = null, string? Responsible = null, string? RelatedModule = null, int? RelatedId = null,
    int? ParentId = null, string? Sort = null, string? Cursor = null, int? PageSize = null);

public sealed record TaskListItem(int Id, string Title, DateOnly? DueDate, string Priority, string Status, string? RelatedModule, int? RelatedId, int? ParentId, Guid OwnerId, string OwnerName);

/// <summary>The tasks the actor may view (their scope, plus those they are responsible for), filtered, searched by title, sorted by title or ID, keyset-paged.</summary>
public sealed class ListTasks(CrmDb db, TaskVisibility visibility)
{
    public const string SortByTitle = "title";
    public const string SortById = "id";

    public async Task<Result<ListPage<TaskListItem>>> RunAsync(Actor actor, TaskQuery query, CancellationToken cancellationToken)
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

        var status = TaskTexts.State(query.Status);
        if (!string.IsNullOrWhiteSpace(query.Status) && query.Status != TaskTexts.OpenFilter && status is null)
        {
            errors.Add("status", "Status is \"open\" (open or in progress), \"in-progress\", \"done\" or \"cancelled\".");
        }

        var priority = TaskTexts.Priority(query.Priority);
        if (!string.IsNullOrWhiteSpace(query.Priority) && priority is null)
        {
            errors.Add("priority", "Priority is \"low\", \"normal\" or \"high\".");
        }

        Guid? responsible = null;
        if (!string.IsNullOrWhiteSpace(query.Responsible))
        {
            if (query.Responsible == "me")
            {
                responsible = actor.UserId;
            }
            else if (Guid.TryParse(query.Responsible, out var user))
            {
                responsible = user;
            }
            else
            {
                errors.Add("responsible", "Give a user ID, or \"me\".");
            }
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
            return Result<ListPage<TaskListItem>>.Invalid(errors);
        }

        var tasks = db.Tasks.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken));
        if (TextSearch.Term(query.Search) is { } term)
        {
            tasks = tasks.Where(CrmTask.Matching(term));
        }

        if (query.Status == TaskTexts.OpenFilter)
        {
            tasks = tasks.Where(t => t.Status == TaskState.Open || t.Status == TaskState.InProgress);
        }
        else if (status is { } state)
        {
            tasks = tasks.Where(t => t.Status == state);
        }

        if (priority is { } p)
        {
            tasks = tasks.Where(t => t.Priority == p);
        }

        if (responsible is { } who)
        {
            tasks = tasks.Where(t => db.TaskResponsibles.Any(r => r.TaskId == t.Id && r.UserId == who));
        }

        if (!string.IsNullOrWhiteSpace(query.RelatedModule))
        {
            var module = query.RelatedModule;
            tasks = tasks.Where(t => t.RelatedModule == module);
            if (query.RelatedId is { } relatedId)
            {
                tasks = tasks.Where(t => t.RelatedId == relatedId);
            }
        }

        if (query.ParentId is { } parentId)
        {
            tasks = tasks.Where(t => t.ParentId == parentId);
        }

        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByTitle)
            {
                var title = at.Keys[0];
                tasks = at.Forward
                    ? tasks.Where(t => t.Title.CompareTo(title) >= 0).Where(t => t.Title.CompareTo(title) > 0 || (t.Title == title && t.Id > id))
                    : tasks.Where(t => t.Title.CompareTo(title) <= 0).Where(t => t.Title.CompareTo(title) < 0 || (t.Title == title && t.Id < id));
            }
            else
            {
                tasks = at.Forward ? tasks.Where(t => t.Id > id) : tasks.Where(t => t.Id < id);
            }
        }

        var forward = cursor?.Forward ?? true;
        var ordered = sort == SortByTitle
            ? (forward ? tasks.OrderBy(t => t.Title).ThenBy(t => t.Id) : tasks.OrderByDescending(t => t.Title).ThenByDescending(t => t.Id))
            : (forward ? tasks.OrderBy(t => t.Id) : tasks.OrderByDescending(t => t.Id));
        var rows = await ordered.Take(size + 1)
            .Select(t => new { t.Id, t.Title, t.DueDate, t.Priority, t.Status, t.RelatedModule, t.RelatedId, t.ParentId, t.OwnerId,
                OwnerName = db.Users.Where(u => u.Id == t.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? "" })
            .ToListAsync(cancellationToken);
        var items = rows.Select(t => new TaskListItem(t.Id, t.Title, t.DueDate, TaskTexts.Of(t.Priority), TaskTexts.Of(t.Status), t.RelatedModule, t.RelatedId, t.ParentId, t.OwnerId, t.OwnerName)).ToList();
        return Result<ListPage<TaskListItem>>.Ok(ListPaging.Page(items, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByTitle ? [row.Title] : [])));
    }
}
