using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Companies;

/// <summary>The model of <c>/companies/new</c> and <c>/companies/{id}/edit</c>: one form, two addresses.</summary>
public sealed class CompanyFormPage(CrmDb db, ReadCompany read, SaveCompany save) : RecordFormPage<CompanyFormPage.CompanyForm, CompanyView, CompanyDetails>
{
    public bool CanChangeOwner { get; private set; }
    public IReadOnlyList<OwnerChoice> Owners { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) =>
        OpenAsync(id, () =>
        {
            CanChangeOwner = true;
            return new CompanyForm { OwnerId = HttpContext.Actor().UserId };
        }, cancellationToken);

    protected override Task<Result<CompanyView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(CompanyView view) => view.Can.Edit;

    protected override CompanyForm Fill(CompanyView view)
    {
        var c = view.Company;
        CanChangeOwner = view.Can.Transfer;
        return new CompanyForm
        {
            Name = c.Name, Website = c.Website, Phone = c.Phone, Email = c.Email, City = c.City, Address = c.Address,
            CountryName = c.CountryName, OwnerId = c.OwnerId, Version = c.Version,
        };
    }

    protected override Task<Result<CompanyDetails>> SaveAsync(Actor actor, int? id, CompanyForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new CompanyInput(form.Name, form.Website, form.Phone, form.Email, form.City, form.Address, form.CountryName, form.OwnerId, form.Version),
            form.OwnerId is null ? CompanyFields.All & ~CompanyFields.OwnerId : CompanyFields.All, cancellationToken);

    protected override string PageOf(CompanyDetails saved) => $"/companies/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // A posted form has no record view to decide from; the save itself checks the transfer right.
        CanChangeOwner |= Posted;
        Owners = await OwnerChoices.ActiveAsync(db, cancellationToken);
    }

    public sealed class CompanyForm
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Website")]
        public string? Website { get; set; }

        [Display(Name = "Phone")]
        public string? Phone { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "City")]
        public string? City { get; set; }

        [Display(Name = "Address")]
        public string? Address { get; set; }

        [Display(Name = "Country")]
        public string? CountryName { get; set; }

        [Display(Name = "Owner")]
        public Guid? OwnerId { get; set; }

        /// <summary>The version the form was filled from; a save against a newer one is refused.</summary>
        public int? Version { get; set; }
    }
}
