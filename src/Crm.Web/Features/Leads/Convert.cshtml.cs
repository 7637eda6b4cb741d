using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Leads;

/// <summary><c>/leads/{id}/convert</c>: choose a new or an existing company and whether to open a deal; the use case does it all or nothing.</summary>
public sealed class ConvertLeadPage(ReadLead read, ConvertLead convert) : PageModel
{
    [BindProperty]
    public ConvertForm Input { get; set; } = new();

    public LeadDetails Lead { get; private set; } = null!;

    public string? Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        Input = new ConvertForm
        {
            CompanyChoice = string.IsNullOrWhiteSpace(Lead.CompanyName) ? "existing" : "new",
            DealTitle = string.IsNullOrWhiteSpace(Lead.CompanyName) ? $"Deal with {Lead.FirstName} {Lead.LastName}" : $"Deal with {Lead.CompanyName}",
            Version = Lead.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        if (Refused is not null || !ModelState.IsValid)
        {
            return Page();
        }

        var existing = Input.CompanyChoice == "existing" ? Input.ExistingCompanyId : null;
        if (Input.CompanyChoice == "existing" && existing is null)
        {
            ModelState.AddModelError("Input.ExistingCompanyId", "Give the ID of the existing company, or choose to create a new one.");
            return Page();
        }

        var result = await convert.RunAsync(HttpContext.Actor(), id,
            new LeadConversionInput(existing, Input.CreateDeal, Input.DealTitle, Input.DealAmount, Input.DealCurrency, Input.Version), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/leads/{id}?converted=true");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        result.CopyTo(ModelState);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        Lead = found.Value.Lead;
        if (Lead.Status == LeadStatuses.Converted)
        {
            Refused = SaveLead.AlreadyConverted(id);
        }
        else if (!found.Value.Can.Edit)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        return null;
    }

    public sealed class ConvertForm
    {
        /// <summary>"new": a company named after the lead's company; "existing": <see cref="ExistingCompanyId"/>.</summary>
        public string CompanyChoice { get; set; } = "new";

        [Display(Name = "Existing company"), ModelBinder(typeof(RecordIdBinder))]
        public int? ExistingCompanyId { get; set; }

        [Display(Name = "Also create a deal")]
        public bool CreateDeal { get; set; } = true;

        [Display(Name = "Deal title")]
        public string? DealTitle { get; set; }

        [Display(Name = "Deal amount")]
        public string? DealAmount { get; set; } = "0.00";

        [Display(Name = "Currency")]
        public string? DealCurrency { get; set; } = Money.DefaultCurrency;

        public int? Version { get; set; }
    }
}
