using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
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

    /// <summary>The sorts: by name (last, then first; the default), by ID.</summary>
    internal static readonly KeysetList<Lead, LeadListItem> Sorts = new KeysetList<Lead, LeadListItem>(l => l.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(l => l.LastName, r => r.LastName).Text(l => l.FirstName, r => r.FirstName))
        .Sort(SortById);

    public async Task<Result<ListPage<LeadListItem>>> RunAsync(Actor actor, LeadQuery query, CancellationToken cancellationToken)
    {
        var errors = Validate(query);
        var page = Sorts.Start(errors, query.Sort, query.Cursor, query.PageSize);
        if (errors.Any)
        {
            return Result<ListPage<LeadListItem>>.Invalid(errors);
        }

        var leads = await FilteredAsync(actor, query, cancellationToken);
        var driving = await TextSearch.DrivingTermAsync(db, Lead.Matching, TextSearch.Term(query.Search), cancellationToken);
        return Result<ListPage<LeadListItem>>.Ok(page.Page(await Project(page.Read(leads, driving)).ToListAsync(cancellationToken)));
    }

    internal static FieldErrors Validate(LeadQuery query)
    {
        var errors = new FieldErrors().Text("search", "Search", query.Search, ListCompanies.SearchMaxLength, required: false);
        Sorts.CheckSort(errors, query.Sort);

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
