using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Contacts;

public sealed class ContactPage(ReadContact read, ListLoggedEmails emails) : RecordDetailsPage<RecordView<ContactDetails>>
{
    public RelatedEmails? Emails { get; private set; }

    protected override Task<Result<RecordView<ContactDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        Emails = await emails.RelatedAsync(actor, Security.Permissions.CrmModules.Contacts.Key, id, cancellationToken);
}
