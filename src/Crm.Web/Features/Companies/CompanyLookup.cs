using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Companies;

/// <summary>Companies in the global search and as the target of links, by name.</summary>
public sealed class CompanyLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Company>(db, access, CrmModules.Companies)
{
    protected override Expression<Func<Company, string>> Label => c => c.Name;

    protected override Expression<Func<Company, bool>> Matches(string lowerTerm) => Company.Matching(lowerTerm);
}
