using Crm.Web.Features.LoggedEmails;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Leads;

public sealed class LeadPage(ReadLead read, ListLoggedEmails emails) : RecordDetailsPage<LeadView>
{
    public RelatedEmails Emails { get; private set; } = null!;

    /// <summary>Whether the page follows the lead's conversion, and says so.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Converted { get; set; }

    protected override Task<Result<LeadView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override async Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        Emails = await emails.RelatedAsync(actor, CrmModules.Leads.Key, id, cancellationToken);
}
