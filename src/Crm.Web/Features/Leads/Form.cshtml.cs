using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Leads;

/// <summary>The model of <c>/leads/new</c> and <c>/leads/{id}/edit</c>; a converted lead shows why it cannot be edited instead of a form.</summary>
public sealed class LeadFormPage(ReadLead read, SaveLead save) : RecordFormPage<LeadInput, LeadView, LeadDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) => OpenAsync(id, () => new LeadInput { Source = LeadSources.Web, Status = LeadStatuses.New }, cancellationToken);

    protected override Task<Result<LeadView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override string? RefusalOf(LeadView view) => view.Lead.Status == LeadStatuses.Converted ? SaveLead.AlreadyConverted(view.Lead.Id) : null;

    protected override bool IsRefusal(Result<LeadDetails> result) => Id is { } existing && result.Message == SaveLead.AlreadyConverted(existing);

    protected override bool MayEdit(LeadView view) => view.Can.Edit;

    protected override LeadInput Fill(LeadView view) => LeadInput.Of(view.Lead);

    protected override Task<Result<LeadDetails>> SaveAsync(Actor actor, int? id, LeadInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, LeadFields.All & ~LeadFields.OwnerId, cancellationToken);

    protected override string PageOf(LeadDetails saved) => $"/leads/{saved.Id}";
}
