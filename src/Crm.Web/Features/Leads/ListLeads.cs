using System.Globalization;
using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Leads;

public sealed record LeadQuery(string? Search = null, string? Sort = null, string? Cursor = null, int? PageSize = null, string? Status = null, string? Source = null)
    : IRecordQuery;

public sealed record LeadListItem(int Id, string FirstName, string LastName, string? CompanyName, string? Email, string? Phone, string Source, string Status,
    Guid OwnerId, string OwnerName);

/// <summary>The leads the actor may view, filtered by status and source, searched by name, email or company name, sorted by name or ID.</summary>
public sealed class ListLeads(CrmDb db, RecordAccess access, ListExports exports)
    : RecordList<Lead, LeadListItem, LeadQuery>(db, access, exports, CrmModules.Leads)
{
    public const string SortByName = "name";
    public const string SortById = "id";

    /// <summary>By name (last, then first; the default), by ID.</summary>
    private static readonly KeysetList<Lead, LeadListItem> s_sorts = new KeysetList<Lead, LeadListItem>(l => l.Id, r => r.Id)
        .Sort(SortByName, keys => keys.Text(l => l.LastName, r => r.LastName).Text(l => l.FirstName, r => r.FirstName))
        .Sort(SortById);

    private static readonly ExportColumn<LeadListItem>[] s_columns =
    [
        new("id", "ID", l => l.Id.ToString(CultureInfo.InvariantCulture)),
        new("firstName", "First name", l => l.FirstName),
        new("lastName", "Last name", l => l.LastName),
        new("companyName", "Company name", l => l.CompanyName),
        new("email", "Email", l => l.Email),
        new("phone", "Phone", l => l.Phone),
        new("source", "Source", l => l.Source),
        new("status", "Status", l => l.Status),
        new("owner", "Owner", l => l.OwnerName),
    ];

    protected override KeysetList<Lead, LeadListItem> Sorts => s_sorts;

    protected override IReadOnlyList<ExportColumn<LeadListItem>> Columns => s_columns;

    protected override bool SearchDrivesSort => true;

    protected override Expression<Func<Lead, bool>> Matching(string term) => Lead.Matching(term);

    protected override void Check(FieldErrors errors, LeadQuery query)
    {
        if (query.Status is { Length: > 0 } status && !LeadStatuses.All.Contains(status))
        {
            errors.Add("status", $"Status must be one of: {string.Join(", ", LeadStatuses.All)}.");
        }

        if (query.Source is { Length: > 0 } source && !LeadSources.All.Contains(source))
        {
            errors.Add("source", $"Source must be one of: {string.Join(", ", LeadSources.All)}.");
        }
    }

    protected override IQueryable<Lead> Filter(IQueryable<Lead> records, LeadQuery query)
    {
        if (query.Status is { Length: > 0 } status)
        {
            records = records.Where(l => l.Status == status);
        }

        return query.Source is { Length: > 0 } source ? records.Where(l => l.Source == source) : records;
    }

    protected override IQueryable<LeadListItem> Project(IQueryable<Lead> records) =>
        records.Select(l => new LeadListItem(l.Id, l.FirstName, l.LastName, l.CompanyName, l.Email, l.Phone, l.Source, l.Status, l.OwnerId,
            Db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.FullName).FirstOrDefault() ?? ""));
}
