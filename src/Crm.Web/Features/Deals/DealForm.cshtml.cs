using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Deals;

/// <summary>The model of <c>/deals/new</c> and <c>/deals/{id}/edit</c>. A hidden or read-only amount is not posted, so it is kept.</summary>
public sealed class DealFormPage(ReadDeal read, SaveDeal save, RecordAccess access) : PageModel
{
    [BindProperty]
    public DealForm Input { get; set; } = new();

    public int? Id { get; private set; }
    public bool SeeAmount { get; private set; }
    public bool EditAmount { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            if (!found.Value!.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            var d = found.Value.Deal;
            Input = new DealForm
            {
                Title = d.Title, CompanyId = d.CompanyId, ContactId = d.ContactId, Stage = d.Stage, Amount = d.Amount, Currency = d.Currency,
                Probability = d.Probability, ExpectedClose = d.ExpectedClose, ClosingReason = d.ClosingReason, Version = d.Version,
            };
        }
        else
        {
            Input.CompanyId = companyId;
        }

        await FieldRulesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        await FieldRulesAsync(cancellationToken);
        if (ModelState.IsValid)
        {
            var fields = DealFields.All & ~DealFields.Owner;
            if (!EditAmount)
            {
                fields &= ~(DealFields.Amount | DealFields.Currency);
            }

            var input = new DealInput(Input.Title, Input.CompanyId, Input.ContactId, Input.Stage, Input.Amount, Input.Currency, Input.Probability,
                Input.ExpectedClose, Input.ClosingReason, null, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, fields, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/deals/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        return Page();
    }

    private async Task FieldRulesAsync(CancellationToken cancellationToken)
    {
        var fields = await access.FieldsAsync(HttpContext.Actor(), CrmModules.Deals.Key, cancellationToken);
        SeeAmount = fields.CanSee(ReadDeal.AmountField);
        EditAmount = fields.CanEdit(ReadDeal.AmountField);
        if (!SeeAmount)
        {
            Input.Amount = null;
            Input.Currency = null;
        }
    }

    public sealed class DealForm
    {
        [Display(Name = "Title")]
        public string? Title { get; set; }

        [Display(Name = "Company"), ModelBinder(typeof(RecordIdBinder))]
        public int? CompanyId { get; set; }

        [Display(Name = "Contact"), ModelBinder(typeof(RecordIdBinder))]
        public int? ContactId { get; set; }

        [Display(Name = "Stage")]
        public string? Stage { get; set; } = DealStages.New;

        [Display(Name = "Amount")]
        public string? Amount { get; set; } = "0.00";

        [Display(Name = "Currency")]
        public string? Currency { get; set; } = Money.DefaultCurrency;

        [Display(Name = "Probability")]
        public int? Probability { get; set; }

        [Display(Name = "Expected close")]
        public DateOnly? ExpectedClose { get; set; }

        [Display(Name = "Closing reason")]
        public string? ClosingReason { get; set; }

        public int? Version { get; set; }
    }
}
