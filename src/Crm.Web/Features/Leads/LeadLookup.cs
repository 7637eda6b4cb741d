using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Leads;

/// <summary>Leads in the global search and as link targets, by name, email or company name.</summary>
public sealed class LeadLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Lead>(db, access, CrmModules.Leads)
{
    protected override Expression<Func<Lead, string>> Label => l => l.FirstName + " " + l.LastName;

    protected override Expression<Func<Lead, bool>> Matches(string lowerTerm) => Lead.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } =
        [new("convertedContactId", CrmModules.Contacts.Key), new("convertedCompanyId", CrmModules.Companies.Key), new("convertedDealId", CrmModules.Deals.Key)];
}
