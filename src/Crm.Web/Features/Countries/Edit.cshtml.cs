using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Countries;

/// <summary><c>/admin/countries/{id}</c>: a country's name and alternative names; its ISO codes are fixed.</summary>
public sealed class CountryEditPage(ReadCountry read, SaveCountryNames save) : PageModel
{
    [BindProperty]
    public CountryForm Input { get; set; } = new();

    public CountryView? Country { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        Country = found.Value;
        Input = new CountryForm { Name = Country.Name, AlternativeNames = string.Join(", ", Country.AlternativeNames) };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        Country = found.Value;
        // A name left empty is a mistake to report, not "keep the old name" (that is the API's null).
        var result = await save.RunAsync(HttpContext.Actor(), id, Input.Name ?? "", [Input.AlternativeNames], cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/countries?saved={result.Value.Id}");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        result.CopyTo(ModelState);
        return Page();
    }

    public sealed class CountryForm
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Display(Name = "Alternative names")]
        public string? AlternativeNames { get; set; }
    }
}
