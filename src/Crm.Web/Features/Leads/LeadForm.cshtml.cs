using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Leads;

/// <summary>The model of <c>/leads/new</c> and <c>/leads/{id}/edit</c>; a converted lead shows why it cannot be edited instead of a form.</summary>
public sealed class LeadFormPage(ReadLead read, SaveLead save) : PageModel
{
    [BindProperty]
    public LeadForm Input { get; set; } = new();

    public int? Id { get; private set; }

    public string? Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            var l = found.Value!.Lead;
            if (l.Status == LeadStatuses.Converted)
            {
                Refused = SaveLead.AlreadyConverted(l.Id);
                return Page();
            }

            if (!found.Value.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            Input = new LeadForm
            {
                FirstName = l.FirstName, LastName = l.LastName, CompanyName = l.CompanyName, Email = l.Email, Phone = l.Phone,
                Source = l.Source, Status = l.Status, Notes = l.Notes, Version = l.Version,
            };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new LeadInput(Input.FirstName, Input.LastName, Input.CompanyName, Input.Email, Input.Phone, Input.Source, Input.Status, Input.Notes, null, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, LeadFields.All & ~LeadFields.Owner, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/leads/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            if (id is { } existing && result.Message == SaveLead.AlreadyConverted(existing))
            {
                Refused = result.Message;
                return Page();
            }

            result.CopyTo(ModelState);
        }

        return Page();
    }

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
