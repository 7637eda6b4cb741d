using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Contacts;

public sealed class ContactsPage(ListContacts list, RecordAccess access) : RecordListPage<ContactListItem>(access, CrmModules.Contacts)
{
    [ListFilter] public int? CompanyId { get; set; }

    public ListPage<ContactListItem> Contacts => List;

    protected override Task<Result<ListPage<ContactListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new ContactQuery(Search, Sort, Cursor, PageSize, CompanyId), cancellationToken);

    /// <summary>A list of one company's records adds to that company.</summary>
    protected override string AddLink => base.AddLink + (CompanyId is { } c ? $"?companyId={c}" : "");
}
