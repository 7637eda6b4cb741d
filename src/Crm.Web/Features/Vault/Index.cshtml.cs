using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Vault;

/// <summary><c>/vault</c>: the entries the person's grants reach, without secrets, with the list's filters.</summary>
public sealed class VaultPage(ListVaultEntries list, ListVaultCategories categories) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "category")]
    public int? CategoryId { get; set; }

    [BindProperty(SupportsGet = true, Name = "due")]
    public bool RotationDue { get; set; }

    public IReadOnlyList<VaultEntrySummary> Entries { get; private set; } = [];

    /// <summary>The categories of the entries the person can see, for the filter.</summary>
    public IReadOnlyList<KeyValuePair<int, string>> Categories { get; private set; } = [];

    public bool MayAdd { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new VaultFilter(Search, CategoryId, RotationDue), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Entries = result.Value;
        var all = await list.RunAsync(actor, new VaultFilter(), cancellationToken);
        Categories = [.. (all.Value ?? []).Select(e => new KeyValuePair<int, string>(e.CategoryId, e.Category)).Distinct().OrderBy(c => c.Value, StringComparer.CurrentCultureIgnoreCase)];
        MayAdd = (await categories.RunAsync(actor, cancellationToken)).Value?.Count > 0 && !actor.IsPreview;
        return Page();
    }
}
