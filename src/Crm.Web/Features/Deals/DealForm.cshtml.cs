using System.ComponentModel.DataAnnotations;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Deals;

/// <summary>The model of <c>/deals/new</c> and <c>/deals/{id}/edit</c>. A hidden or read-only amount is not posted, so it is kept.</summary>
public sealed class DealFormPage(ReadDeal read, SaveDeal save, RecordAccess access) : RecordFormPage<DealFormPage.DealForm, DealView, DealDetails>
{
    public bool SeeAmount { get; private set; }
    public bool EditAmount { get; private set; }

    public Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new DealForm { CompanyId = companyId }, cancellationToken);

    protected override Task<Result<DealView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(DealView view) => view.Can.Edit;

    protected override DealForm Fill(DealView view)
    {
        var d = view.Deal;
        return new DealForm
        {
            Title = d.Title, CompanyId = d.CompanyId, ContactId = d.ContactId, Stage = d.Stage, Amount = d.Amount, Currency = d.Currency,
            Probability = d.Probability, ExpectedClose = d.ExpectedClose, ClosingReason = d.ClosingReason, Version = d.Version,
        };
    }

    protected override async Task<Result<DealDetails>> SaveAsync(Actor actor, int? id, DealForm form, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        var fields = DealFields.All & ~DealFields.Owner;
        if (!EditAmount)
        {
            fields &= ~(DealFields.Amount | DealFields.Currency);
        }

        var input = new DealInput(form.Title, form.CompanyId, form.ContactId, form.Stage, form.Amount, form.Currency, form.Probability,
            form.ExpectedClose, form.ClosingReason, null, form.Version);
        return await save.RunAsync(actor, id, input, fields, cancellationToken);
    }

    protected override string PageOf(DealDetails saved) => $"/deals/{saved.Id}";

    /// <summary>The role's rules on the amount: a hidden amount is neither shown nor posted, a read-only one not saved.</summary>
    protected override async Task PrepareAsync(CancellationToken cancellationToken)
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
