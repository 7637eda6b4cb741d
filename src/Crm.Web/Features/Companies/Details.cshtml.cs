using Crm.Web.Features.Contacts;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Companies;

public sealed class CompanyPage(ReadCompany read, ListContacts contacts, RecordAccess access, ListLoggedEmails emails) : RecordDetailsPage<CompanyView>
{
    public ListPage<ContactListItem> Contacts { get; private set; } = new([], null, null);
    public bool CanAddContact { get; private set; }
    public RelatedEmails? Emails { get; private set; }

    protected override Task<Result<CompanyView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        CanAddContact = !actor.IsPreview && (await access.DecideAsync(actor, Security.Permissions.CrmModules.Contacts.Key,
            Security.Permissions.PermissionAction.Create, null, cancellationToken)).Allowed;
        Contacts = (await contacts.RunAsync(actor, new ContactQuery(CompanyId: id, PageSize: ListPaging.MaxPageSize), cancellationToken)).Value
            ?? new([], null, null);
        Emails = await emails.RelatedAsync(actor, Security.Permissions.CrmModules.Companies.Key, id, cancellationToken);
    }
}
