using Crm.Web.Features.Records;
using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Companies;

/// <summary>The model of <c>/companies/new</c> and <c>/companies/{id}/edit</c>: one form, two addresses.</summary>
public sealed class CompanyFormPage(CrmDb db, ReadCompany read, SaveCompany save) : PageModel
{
    [BindProperty]
    public CompanyForm Input { get; set; } = new();

    public int? Id { get; private set; }
    public bool CanChangeOwner { get; private set; }
    public IReadOnlyList<OwnerChoice> Owners { get; private set; } = [];

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

            if (!found.Value!.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            var c = found.Value.Company;
            Input = new CompanyForm
            {
                Name = c.Name, Website = c.Website, Phone = c.Phone, Email = c.Email, City = c.City, Address = c.Address,
                CountryName = c.CountryName, OwnerId = c.OwnerId, Version = c.Version,
            };
            CanChangeOwner = found.Value.Can.Transfer;
        }
        else
        {
            Input.OwnerId = HttpContext.Actor().UserId;
            CanChangeOwner = true;
        }

        Owners = await OwnerChoices.ActiveAsync(db, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var fields = CompanyFields.All;
            var input = new CompanyInput(Input.Name, Input.Website, Input.Phone, Input.Email, Input.City, Input.Address, Input.CountryName, Input.OwnerId, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, Input.OwnerId is null ? fields & ~CompanyFields.Owner : fields, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/companies/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        CanChangeOwner = true;
        Owners = await OwnerChoices.ActiveAsync(db, cancellationToken);
        return Page();
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
