using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Leads;

/// <summary>Leads in the global search and as link targets, by name, email or company name.</summary>
public sealed class LeadLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Lead>(db, access)
{
    public override string ModuleKey => CrmModules.Leads.Key;

    public override string Title => "Leads";

    protected override string PageOf(int id) => $"/leads/{id}";

    protected override Expression<Func<Lead, string>> Label => l => l.FirstName + " " + l.LastName;

#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    protected override Expression<Func<Lead, bool>> Matches(string lowerTerm) =>
        l => (l.FirstName + " " + l.LastName).ToLower().Contains(lowerTerm) || (l.Email != null && l.Email.ToLower().Contains(lowerTerm))
            || (l.CompanyName != null && l.CompanyName.ToLower().Contains(lowerTerm));
#pragma warning restore CA1304, CA1311, CA1862
}
