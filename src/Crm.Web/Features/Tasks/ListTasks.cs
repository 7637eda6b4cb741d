using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
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
public sealed class ListTasks(CrmDb db, TaskVisibility visibility, RecordLookups lookups, CustomFieldListFilters customFilters)
{
    public const string SortByTitle = "title";
    public const string SortById = "id";

    /// <summary>The sorts: by title (the default), by ID.</summary>
    internal static readonly KeysetList<CrmTask, TaskListItem> Sorts = new KeysetList<CrmTask, TaskListItem>(t => t.Id, r => r.Id)
        .Sort(SortByTitle, keys => keys.Text(t => t.Title, r => r.Title))
        .Sort(SortById);

    public async Task<Result<ListPage<TaskListItem>>> RunAsync(Actor actor, TaskQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, CrmModules.Tasks.Key) is { } refused)
        {
            return Result<ListPage<TaskListItem>>.Forbidden(refused);
        }

        var errors = Validate(query);
        await customFilters.CheckAsync(actor, CrmModules.Tasks.Key, errors, cancellationToken);
        var custom = await customFilters.SortAsync(actor, CrmModules.Tasks.Key, query.Sort, errors, cancellationToken);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize, custom);
        if (errors.Any)
        {
            return Result<ListPage<TaskListItem>>.Invalid(errors);
        }

        var rows = await Project(page.Read(await FilteredAsync(actor, query, cancellationToken))).ToListAsync(cancellationToken);
        // A parent or related record the actor may not view is shown as none, as the task's own page does.
        var links = await lookups.VisibleAsync(actor, rows.SelectMany(r => new[] { (r.RelatedModule, r.RelatedId), (Security.Permissions.CrmModules.Tasks.Key, r.ParentId) }), cancellationToken);
        var items = rows.Select(r => r.Item with
        {
            RelatedModule = r.RelatedId is { } related && links.Contains((r.RelatedModule!, related)) ? r.RelatedModule : null,
            RelatedId = r.RelatedId is { } relatedId && links.Contains((r.RelatedModule!, relatedId)) ? relatedId : null,
            ParentId = r.ParentId is { } parent && links.Contains((Security.Permissions.CrmModules.Tasks.Key, parent)) ? parent : null,
        }).ToList();
        return Result<ListPage<TaskListItem>>.Ok(await page.PageAsync(items, cancellationToken));
    }

    /// <summary>The query's search, sort and filters; paging is checked by the list alone.</summary>
    internal static FieldErrors Validate(TaskQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);

        if (!string.IsNullOrWhiteSpace(query.Status) && query.Status != TaskTexts.OpenFilter && TaskTexts.State(query.Status) is null)
        {
            errors.Add("status", "Status is \"open\" (open or in progress), \"in-progress\", \"done\" or \"cancelled\".");
        }

        if (!string.IsNullOrWhiteSpace(query.Priority) && TaskTexts.Priority(query.Priority) is null)
        {
            errors.Add("priority", "Priority is \"low\", \"normal\" or \"high\".");
        }

        if (!string.IsNullOrWhiteSpace(query.Responsible) && query.Responsible != "me" && !Guid.TryParse(query.Responsible, out _))
        {
            errors.Add("responsible", "Give a user ID, or \"me\".");
        }

        return errors;
    }

    /// <summary>The visible tasks (scope, plus those the actor is responsible for) matching a valid query's search and filters; the list and the export share it.</summary>
    internal async Task<IQueryable<CrmTask>> FilteredAsync(Actor actor, TaskQuery query, CancellationToken cancellationToken)
    {
        var tasks = await customFilters.ApplyAsync(actor, CrmModules.Tasks.Key, db.Tasks.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken)), cancellationToken);
        if (TextSearch.Term(query.Search) is { } term)
        {
            tasks = tasks.Where(CrmTask.Matching(term));
        }

        if (query.Status == TaskTexts.OpenFilter)
        {
            tasks = tasks.Where(t => t.Status == TaskState.Open || t.Status == TaskState.InProgress);
        }
        else if (TaskTexts.State(query.Status) is { } state)
        {
            tasks = tasks.Where(t => t.Status == state);
        }

        if (TaskTexts.Priority(query.Priority) is { } p)
        {
            tasks = tasks.Where(t => t.Priority == p);
        }

        Guid? responsible = query.Responsible == "me" ? actor.UserId : Guid.TryParse(query.Responsible, out var user) ? user : null;
        if (!string.IsNullOrWhiteSpace(query.Responsible))
        {
            var who = responsible ?? Guid.Empty;
            tasks = tasks.Where(t => db.TaskResponsibles.Any(r => r.TaskId == t.Id && r.UserId == who));
        }

        if (!string.IsNullOrWhiteSpace(query.RelatedModule))
        {
            var module = query.RelatedModule;
            tasks = tasks.Where(t => t.RelatedModule == module);
            // A related record or parent task the actor may not view filters exactly as one that does not exist.
            if (await lookups.VisibleFilterAsync(actor, module, query.RelatedId, cancellationToken) is { } relatedId)
            {
                tasks = tasks.Where(t => t.RelatedId == relatedId);
            }
        }

        if (await lookups.VisibleFilterAsync(actor, Security.Permissions.CrmModules.Tasks.Key, query.ParentId, cancellationToken) is { } parentId)
        {
            tasks = tasks.Where(t => t.ParentId == parentId);
        }

        return tasks;
    }

    /// <summary>A list row as read from the database (the texts of its states are made in memory).</summary>
    internal sealed record Row(int Id, string Title, DateOnly? DueDate, TaskPriority Priority, TaskState Status, string? RelatedModule, int? RelatedId, int? ParentId, Guid OwnerId, string OwnerName)
    {
        public TaskListItem Item => new(Id, Title, DueDate, TaskTexts.Of(Priority), TaskTexts.Of(Status), RelatedModule, RelatedId, ParentId, OwnerId, OwnerName);
    }

    /// <summary>The list's columns; the owner's name by a correlated lookup, so rows keep the query's order.</summary>
    internal IQueryable<Row> Project(IQueryable<CrmTask> tasks) =>
        tasks.Select(t => new Row(t.Id, t.Title, t.DueDate, t.Priority, t.Status, t.RelatedModule, t.RelatedId, t.ParentId, t.OwnerId,
            db.Users.Where(u => u.Id == t.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
