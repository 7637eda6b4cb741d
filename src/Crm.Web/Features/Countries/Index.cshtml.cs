using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Countries;

/// <summary><c>/admin/countries</c>: unrecognised values first (to deal with), then the searchable list.</summary>
public sealed class CountriesPage(ListCountries list, ListCountryMismatches mismatches, ResolveCountryMismatch resolve) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    public IReadOnlyList<CountryView> Countries { get; private set; } = [];
    public IReadOnlyList<CountryMismatchView> Mismatches { get; private set; } = [];

    /// <summary>Every country, for the "which country?" suggestions of the mismatch forms.</summary>
    public IReadOnlyList<CountryView> AllCountries { get; private set; } = [];

    /// <summary>Which mismatch the messages on the page are about.</summary>
    public int? FailedMismatchId { get; private set; }

    /// <summary>The country just saved, named in the confirmation (by id, so a link cannot put words on the page).</summary>
    public CountryView? Saved { get; private set; }
    public bool Dismissed { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? saved, bool dismissed, CancellationToken cancellationToken)
    {
        var shown = await ShowAsync(cancellationToken);
        Saved = AllCountries.FirstOrDefault(c => c.Id == saved);
        Dismissed = dismissed;
        return shown;
    }

    public async Task<IActionResult> OnPostResolveAsync(int mismatchId, string? country, CancellationToken cancellationToken)
    {
        var result = await resolve.AddAsAlternativeNameAsync(HttpContext.Actor(), mismatchId, country, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/countries?saved={result.Value.Id}");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        FailedMismatchId = mismatchId;
        // The form has one field; every message belongs to it, whatever the use case named it.
        foreach (var message in result.Errors.Values.SelectMany(m => m).Append(result.Outcome is Outcome.Invalid ? null : result.Message).OfType<string>())
        {
            ModelState.AddModelError("", message);
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostDismissAsync(int mismatchId, CancellationToken cancellationToken)
    {
        var result = await resolve.DismissAsync(HttpContext.Actor(), mismatchId, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect("/admin/countries?dismissed=true"),
            Outcome.NotFound => NotFound(),
            _ => StatusCode(StatusCodes.Status403Forbidden),
        };
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var open = await mismatches.RunAsync(actor, cancellationToken);
        if (!open.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Mismatches = open.Value;
        AllCountries = (await list.RunAsync(actor, null, cancellationToken)).Value ?? [];
        var found = await list.RunAsync(actor, Search, cancellationToken);
        if (!found.IsOk)
        {
            foreach (var message in found.Errors.Values.SelectMany(m => m))
            {
                ModelState.AddModelError(nameof(Search), message);
            }

            Search = null;
            Countries = AllCountries;
        }
        else
        {
            Countries = found.Value;
        }

        return Page();
    }
}
