using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Contacts;

/// <summary>Contacts in the global search and as the target of links, by name or email.</summary>
public sealed class ContactLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Contact>(db, access)
{
    public override string ModuleKey => CrmModules.Contacts.Key;

    public override string Title => "Contacts";

    protected override string PageOf(int id) => $"/contacts/{id}";

    protected override Expression<Func<Contact, string>> Label => c => c.FirstName + " " + c.LastName;

#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    protected override Expression<Func<Contact, bool>> Matches(string lowerTerm) =>
        c => (c.FirstName + " " + c.LastName).ToLower().Contains(lowerTerm) || (c.Email != null && c.Email.ToLower().Contains(lowerTerm));
#pragma warning restore CA1304, CA1311, CA1862
}
