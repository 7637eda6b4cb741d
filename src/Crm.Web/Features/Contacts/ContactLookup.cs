using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Contacts;

/// <summary>Contacts in the global search and as the target of links, by name or email.</summary>
public sealed class ContactLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Contact>(db, access, CrmModules.Contacts)
{
    protected override Expression<Func<Contact, string>> Label => c => c.FirstName + " " + c.LastName;

    protected override Expression<Func<Contact, bool>> Matches(string lowerTerm) => Contact.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("companyId", CrmModules.Companies.Key)];
}
