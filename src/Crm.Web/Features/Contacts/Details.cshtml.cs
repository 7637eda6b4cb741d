using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Contacts;

public sealed class ContactPage(ReadContact read, ListLoggedEmails emails) : RecordViewPage<ContactDetails>(read)
{
    public RelatedEmails? Emails { get; private set; }

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        Emails = await emails.RelatedAsync(actor, Security.Permissions.CrmModules.Contacts.Key, id, cancellationToken);
}
