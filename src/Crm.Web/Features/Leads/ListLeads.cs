using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

public sealed record LeadQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, string? Status = null, string? Source = null);

public sealed record LeadListItem(int Id, string FirstName, string LastName, string? CompanyName, string? Email, string? Phone, string Source, string Status,
    Guid OwnerId, string OwnerName);

/// <summary>The leads the actor may view, filtered by status and source, searched by name, email or company name, sorted by name or ID, keyset-paged.</summary>
public sealed class ListLeads(CrmDb db, RecordAccess access)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    public async Task<Result<ListPage<LeadListItem>>> RunAsync(Actor actor, LeadQuery query, CancellationToken cancellationToken)
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
            cursor = ListCursor.Decode(query.Cursor, sort, sort == SortByName ? 2 : 0);
            if (cursor is null)
            {
                errors.Add("cursor", ListCursor.Invalid);
            }
        }

        if (errors.Any)
        {
            return Result<ListPage<LeadListItem>>.Invalid(errors);
        }

        var leads = await FilteredAsync(actor, query, cancellationToken);
        if (cursor is { } at)
        {
            var id = at.Id;
            if (sort == SortByName)
            {
                var (last, first) = (at.Keys[0], at.Keys[1]);
                leads = at.Forward
                    ? leads.Where(l => l.LastName.CompareTo(last) >= 0).Where(l => l.LastName.CompareTo(last) > 0 || (l.LastName == last && (l.FirstName.CompareTo(first) > 0 || (l.FirstName == first && l.Id > id))))
                    : leads.Where(l => l.LastName.CompareTo(last) <= 0).Where(l => l.LastName.CompareTo(last) < 0 || (l.LastName == last && (l.FirstName.CompareTo(first) < 0 || (l.FirstName == first && l.Id < id))));
            }
            else
            {
                leads = at.Forward ? leads.Where(l => l.Id > id) : leads.Where(l => l.Id < id);
            }
        }

        var rows = await Project(Order(leads, sort, cursor?.Forward ?? true, await TextSearch.DrivingTermAsync(db, Lead.Matching, TextSearch.Term(query.Search), cancellationToken)).Take(size + 1)).ToListAsync(cancellationToken);
        return Result<ListPage<LeadListItem>>.Ok(ListPaging.Page(rows, size, cursor,
            (row, next) => new ListCursor(sort, next, row.Id, sort == SortByName ? [row.LastName, row.FirstName] : [])));
    }

    /// <summary>The list's order; <paramref name="drivingTerm"/> is the searched text when it drives the query, see <see cref="TextSearch.SortKey"/>.</summary>
    internal static IOrderedQueryable<Lead> Order(IQueryable<Lead> leads, string sort, bool forward, string? drivingTerm = null) => sort == SortByName
        ? (forward ? leads.OrderBy(TextSearch.SortKey<Lead, string>(l => l.LastName, drivingTerm)).ThenBy(l => l.FirstName).ThenBy(l => l.Id)
            : leads.OrderByDescending(TextSearch.SortKey<Lead, string>(l => l.LastName, drivingTerm)).ThenByDescending(l => l.FirstName).ThenByDescending(l => l.Id))
        : (forward ? leads.OrderBy(TextSearch.SortKey<Lead, int>(l => l.Id, drivingTerm)) : leads.OrderByDescending(TextSearch.SortKey<Lead, int>(l => l.Id, drivingTerm)));

    internal static string SortOf(LeadQuery query) =>
        string.Equals(query.Sort, SortById, StringComparison.OrdinalIgnoreCase) ? SortById : SortByName;

    internal static FieldErrors Validate(LeadQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        if (query.Sort is { Length: > 0 } s && !s.Equals(SortByName, StringComparison.OrdinalIgnoreCase) && !s.Equals(SortById, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("sort", "Sort by \"name\" or \"id\".");
        }

        if (query.Status is { Length: > 0 } status && !LeadStatuses.All.Contains(status))
        {
            errors.Add("status", $"Status must be one of: {string.Join(", ", LeadStatuses.All)}.");
        }

        if (query.Source is { Length: > 0 } source && !LeadSources.All.Contains(source))
        {
            errors.Add("source", $"Source must be one of: {string.Join(", ", LeadSources.All)}.");
        }

        return errors;
    }

    internal async Task<IQueryable<Lead>> FilteredAsync(Actor actor, LeadQuery query, CancellationToken cancellationToken)
    {
        var visible = await access.VisibleAsync<Lead>(actor, CrmModules.Leads.Key, cancellationToken);
        var leads = db.Leads.AsNoTracking().Where(visible);
        if (TextSearch.Term(query.Search) is { } term)
        {
            leads = leads.Where(Lead.Matching(term));
        }

        if (query.Status is { Length: > 0 } status)
        {
            leads = leads.Where(l => l.Status == status);
        }

        if (query.Source is { Length: > 0 } source)
        {
            leads = leads.Where(l => l.Source == source);
        }

        return leads;
    }

    internal IQueryable<LeadListItem> Project(IQueryable<Lead> leads) =>
        leads.Select(l => new LeadListItem(l.Id, l.FirstName, l.LastName, l.CompanyName, l.Email, l.Phone, l.Source, l.Status, l.OwnerId,
            db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
