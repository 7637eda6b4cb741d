using System.ComponentModel.DataAnnotations;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Contacts;

/// <summary>The model of <c>/contacts/new</c> and <c>/contacts/{id}/edit</c>.</summary>
public sealed class ContactFormPage(ReadContact read, SaveContact save) : PageModel
{
    [BindProperty]
    public ContactForm Input { get; set; } = new();

    public int? Id { get; private set; }

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

            var c = found.Value.Contact;
            Input = new ContactForm { FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone, Title = c.Title, CompanyId = c.CompanyId, Version = c.Version };
        }
        else
        {
            Input.CompanyId = companyId;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new ContactInput(Input.FirstName, Input.LastName, Input.Email, Input.Phone, Input.Title, Input.CompanyId, null, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, ContactFields.All & ~ContactFields.Owner, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/contacts/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        return Page();
    }

    public sealed class ContactForm
    {
        [Display(Name = "First name")]
        public string? FirstName { get; set; }

        [Display(Name = "Last name")]
        public string? LastName { get; set; }

        [Display(Name = "Email")]
        public string? Email { get; set; }

        [Display(Name = "Phone")]
        public string? Phone { get; set; }

        [Display(Name = "Job title")]
        public string? Title { get; set; }

        [Display(Name = "Company"), ModelBinder(typeof(RecordIdBinder))]
        public int? CompanyId { get; set; }

        public int? Version { get; set; }
    }
}
