using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Deals;

/// <summary>The model of <c>/deals/new</c> and <c>/deals/{id}/edit</c>. A hidden or read-only amount is not posted, so it is kept.</summary>
public sealed class DealFormPage(ReadDeal read, SaveDeal save, RecordAccess access) : RecordFormPage<DealInput, DealView, DealDetails>
{
    public bool SeeAmount { get; private set; }
    public bool EditAmount { get; private set; }

    public Task<IActionResult> OnGetAsync(int? id, int? companyId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new DealInput { CompanyId = companyId, Stage = DealStages.New, Amount = "0.00", Currency = Money.DefaultCurrency }, cancellationToken);

    protected override Task<Result<DealView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(DealView view) => view.Can.Edit;

    protected override DealInput Fill(DealView view) => DealInput.Of(view.Deal);

    protected override async Task<Result<DealDetails>> SaveAsync(Actor actor, int? id, DealInput form, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        var fields = DealFields.All & ~DealFields.OwnerId;
        if (!EditAmount)
        {
            fields &= ~(DealFields.Amount | DealFields.Currency);
        }

        return await save.RunAsync(actor, id, form, fields, cancellationToken);
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
}
