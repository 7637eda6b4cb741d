using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Deals;

public sealed class DealPage(ReadDeal read, ListLoggedEmails emails) : RecordDetailsPage<DealView>
{
    public RelatedEmails Emails { get; private set; } = null!;

    protected override Task<Result<DealView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        Emails = await emails.RelatedAsync(actor, CrmModules.Deals.Key, id, cancellationToken);
}
