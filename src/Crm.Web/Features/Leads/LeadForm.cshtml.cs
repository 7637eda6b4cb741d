using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Leads;

/// <summary>The model of <c>/leads/new</c> and <c>/leads/{id}/edit</c>; a converted lead shows why it cannot be edited instead of a form.</summary>
public sealed class LeadFormPage(ReadLead read, SaveLead save) : RecordFormPage<LeadFormPage.LeadForm, LeadView, LeadDetails>
{
    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) => OpenAsync(id, null, cancellationToken);

    protected override Task<Result<LeadView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override string? RefusalOf(LeadView view) => view.Lead.Status == LeadStatuses.Converted ? SaveLead.AlreadyConverted(view.Lead.Id) : null;

    protected override bool IsRefusal(Result<LeadDetails> result) => Id is { } existing && result.Message == SaveLead.AlreadyConverted(existing);

    protected override bool MayEdit(LeadView view) => view.Can.Edit;

    protected override LeadForm Fill(LeadView view)
    {
        var l = view.Lead;
        return new LeadForm
        {
            FirstName = l.FirstName, LastName = l.LastName, CompanyName = l.CompanyName, Email = l.Email, Phone = l.Phone,
            Source = l.Source, Status = l.Status, Notes = l.Notes, Version = l.Version,
        };
    }

    protected override Task<Result<LeadDetails>> SaveAsync(Actor actor, int? id, LeadForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new LeadInput(form.FirstName, form.LastName, form.CompanyName, form.Email, form.Phone, form.Source, form.Status, form.Notes, null, form.Version),
            LeadFields.All & ~LeadFields.OwnerId, cancellationToken);

    protected override string PageOf(LeadDetails saved) => $"/leads/{saved.Id}";

    public sealed class LeadForm
    {
        [Display(Name = "First name")]
        public string? FirstName { get; set; }

        [Display(Name = "Last name")]
        public string? LastName { get; set; }

        [Display(Name = "Company name")]
        public string? CompanyName { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "Phone")]
        public string? Phone { get; set; }

        [Display(Name = "Source")]
        public string? Source { get; set; } = LeadSources.Web;

        [Display(Name = "Status")]
        public string? Status { get; set; } = LeadStatuses.New;

        [Display(Name = "Notes")]
        public string? Notes { get; set; }

        public int? Version { get; set; }
    }
}
