using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Companies;

/// <summary>The model of <c>/companies/new</c> and <c>/companies/{id}/edit</c>: one form, two addresses.</summary>
public sealed class CompanyFormPage(CrmDb db, ReadCompany read, SaveCompany save) : RecordFormPage<CompanyInput, CompanyView, CompanyDetails>
{
    public bool CanChangeOwner { get; private set; }
    public IReadOnlyList<OwnerChoice> Owners { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) =>
        OpenAsync(id, () =>
        {
            CanChangeOwner = true;
            return new CompanyInput { OwnerId = HttpContext.Actor().UserId };
        }, cancellationToken);

    protected override Task<Result<CompanyView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(CompanyView view) => view.Can.Edit;

    protected override CompanyInput Fill(CompanyView view) => CompanyInput.Of(view.Company);

    protected override Task<Result<CompanyDetails>> SaveAsync(Actor actor, int? id, CompanyInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, form.OwnerId is null ? CompanyFields.All & ~CompanyFields.OwnerId : CompanyFields.All, cancellationToken);

    protected override string PageOf(CompanyDetails saved) => $"/companies/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // A posted form has no record view to decide from; the save itself checks the transfer right.
        CanChangeOwner |= Posted;
        Owners = await OwnerChoices.ActiveAsync(db, cancellationToken);
    }
}
