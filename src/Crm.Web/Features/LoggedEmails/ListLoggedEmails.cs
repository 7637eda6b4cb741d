using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

public sealed record LoggedEmailQuery(
    string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null,
    string? Direction = null, string? RelatedModule = null, int? RelatedId = null);

public sealed record LoggedEmailListItem(int Id, string Direction, string From, string To, string Subject, DateTime SentAt,
    string? RelatedModule, int? RelatedId, Guid OwnerId, string OwnerName);

/// <summary>The logged emails of one record that the actor may view, for that record's page.</summary>
public sealed record RelatedEmails(string Module, int Id, IReadOnlyList<LoggedEmailListItem> Items, bool CanLog);

/// <summary>
/// The logged emails the actor may view, filtered by direction and related record, searched by
/// subject or address, newest first (or by ID), keyset-paged.
/// </summary>
public sealed class ListLoggedEmails(CrmDb db, RecordAccess access, RecordLookups lookups)
{
    public const string SortBySent = "sent";
    public const string SortById = "id";
    public const int RelatedShown = 50;

    public async Task<Result<ListPage<LoggedEmailListItem>>> RunAsync(Actor actor, LoggedEmailQuery query, CancellationToken cancellationToken)
    {
        var size = query.PageSize ?? ListPaging.DefaultPageSize;
        var errors = Validate(query);
        if (size is < 1 or > ListPaging.MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {ListPaging.MaxPageSize}.");
        }

        var sort = SortOf(query);
        ListCursor? cursor = null;
        long ticks = 0;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortBySent ? 1 : 0);
            if (cursor is null || (sort == SortBySent && (!long.TryParse(cursor.Keys[0], NumberStyles.None, CultureInfo.InvariantCulture, out ticks) || ticks > DateTime.MaxValue.Ticks)))
            {
                cursor = null;
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<LoggedEmailListItem>>.Invalid(errors);
        }

        var emails = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortBySent)
            {
                // Newest first: "forward" goes to older emails.
                var sent = new DateTime(ticks, DateTimeKind.Utc);
                emails = at.Forward
                    ? emails.Where(e => e.SentAt < sent || (e.SentAt == sent && e.Id < id))
                    : emails.Where(e => e.SentAt > sent || (e.SentAt == sent && e.Id > id));
            }
            else
            {
                emails = at.Forward ? emails.Where(e => e.Id > id) : emails.Where(e => e.Id < id);
            }
        }

        var forward = cursor?.Forward ?? true;
        var read = await Project(Order(emails, sort, forward).Take(size + 1)).ToListAsync(cancellationToken);
        // A related record the actor may not view is shown as none, as the email's own page does.
        var links = await lookups.VisibleAsync(actor, read.Select(r => (r.RelatedModule, r.RelatedId)), cancellationToken);
        var rows = read.Select(r => r.RelatedId is { } related && !links.Contains((r.RelatedModule!, related)) ? r with { RelatedModule = null, RelatedId = null } : r).ToList();
        return Result<ListPage<LoggedEmailListItem>>.Ok(ListPaging.Page(rows, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortBySent ? [row.SentAt.Ticks.ToString(CultureInfo.InvariantCulture)] : [])));
    }

    /// <summary>The record's logged emails the actor may view, newest first, and whether they may log one.</summary>
    public async Task<RelatedEmails> RelatedAsync(Actor actor, string module, int id, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<LoggedEmail>(actor, CrmModules.Emails.Key, cancellationToken);
        var items = await Project(Order(db.LoggedEmails.AsNoTracking().Where(visible).Where(e => e.RelatedModule == module && e.RelatedId == id), SortBySent, true)
            .Take(RelatedShown)).ToListAsync(cancellationToken);
        var canLog = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Emails.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        return new RelatedEmails(module, id, items, canLog);
    }

    internal static IOrderedQueryable<LoggedEmail> Order(IQueryable<LoggedEmail> emails, string sort, bool forward) => sort == SortBySent
        ? (forward ? emails.OrderByDescending(e => e.SentAt).ThenByDescending(e => e.Id) : emails.OrderBy(e => e.SentAt).ThenBy(e => e.Id))
        : (forward ? emails.OrderBy(e => e.Id) : emails.OrderByDescending(e => e.Id));

    internal static string SortOf(LoggedEmailQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortBySent;

    internal static FieldErrors Validate(LoggedEmailQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortBySent, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"sent\" (newest first) or \"id\".");
        }

        if (query.Direction is { Length: > 0 } d && !EmailDirections.All.Contains(d))
        {
            errors.Add("direction", "Direction must be \"incoming\" or \"outgoing\".");
        }

        if ((query.RelatedModule is null) != (query.RelatedId is null))
        {
            errors.Add("relatedModule", "Give both the related module and the related ID, or neither.");
        }

        return errors;
    }

    internal async Task<IQueryable<LoggedEmail>> FilteredAsync(Actor actor, LoggedEmailQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<LoggedEmail>(actor, CrmModules.Emails.Key, cancellationToken);
        var emails = db.LoggedEmails.AsNoTracking().Where(visible);
        if (TextSearch.Term(query.Search) is { } term)
        {
            emails = emails.Where(LoggedEmail.Matching(term));
        }

        if (query.Direction is { Length: > 0 } direction)
        {
            emails = emails.Where(e => e.Direction == direction);
        }

        // A related record the actor may not view filters exactly as one that does not exist.
        if (query is { RelatedModule: { } module, RelatedId: { } wanted } && await lookups.VisibleFilterAsync(actor, module, wanted, cancellationToken) is { } related)
        {
            emails = emails.Where(e => e.RelatedModule == module && e.RelatedId == related);
        }

        return emails;
    }

    internal IQueryable<LoggedEmailListItem> Project(IQueryable<LoggedEmail> emails) =>
        emails.Select(e => new LoggedEmailListItem(e.Id, e.Direction, e.From, e.To, e.Subject, e.SentAt, e.RelatedModule, e.RelatedId, e.OwnerId,
            db.Users.Where(u => u.Id == e.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
