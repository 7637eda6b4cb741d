using Crm.Web.Data;
using Crm.Web.Records;
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

    /// <summary>The sorts: by the time sent, newest first (the default), by ID.</summary>
    internal static readonly KeysetList<LoggedEmail, LoggedEmailListItem> Sorts = new KeysetList<LoggedEmail, LoggedEmailListItem>(e => e.Id, r => r.Id)
        .Sort(SortBySent, keys => keys.Time(e => e.SentAt, r => r.SentAt), newestFirst: true, note: "(newest first)")
        .Sort(SortById);

    public async Task<Result<ListPage<LoggedEmailListItem>>> RunAsync(Actor actor, LoggedEmailQuery query, CancellationToken cancellationToken)
    {
        if (RecordAccess.ListRefusal(actor, CrmModules.Emails.Key) is { } refused)
        {
            return Result<ListPage<LoggedEmailListItem>>.Forbidden(refused);
        }

        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<LoggedEmailListItem>>.Invalid(errors);
        }

        var read = await Project(page.Read(await FilteredAsync(actor, query, cancellationToken))).ToListAsync(cancellationToken);
        // A related record the actor may not view is shown as none, as the email's own page does.
        var links = await lookups.VisibleAsync(actor, read.Select(r => (r.RelatedModule, r.RelatedId)), cancellationToken);
        var rows = read.Select(r => r.RelatedId is { } related && !links.Contains((r.RelatedModule!, related)) ? r with { RelatedModule = null, RelatedId = null } : r).ToList();
        return Result<ListPage<LoggedEmailListItem>>.Ok(page.Page(rows));
    }

    /// <summary>The record's logged emails the actor may view, newest first, and whether they may log one.</summary>
    public async Task<RelatedEmails> RelatedAsync(Actor actor, string module, int id, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<LoggedEmail>(actor, CrmModules.Emails.Key, cancellationToken);
        var items = await Project(Sorts.Order(db.LoggedEmails.AsNoTracking().Where(visible).Where(e => e.RelatedModule == module && e.RelatedId == id), SortBySent)
            .Take(RelatedShown)).ToListAsync(cancellationToken);
        var canLog = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Emails.Key, PermissionAction.Create, null, cancellationToken)).Allowed;
        return new RelatedEmails(module, id, items, canLog);
    }

    internal static FieldErrors Validate(LoggedEmailQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, TextSearch.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);

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
