using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Access;

public sealed class DefaultsPage(SaveModuleDefaults defaults, PermissionCatalog catalog) : PageModel
{
    [BindProperty]
    public Dictionary<string, string> Defaults { get; set; } = [];

    public PermissionCatalog Catalog => catalog;
    public IReadOnlyList<ModuleDefaultInput> Current { get; private set; } = [];
    public bool Saved { get; private set; }

    /// <summary>What saving the defaults would change for everyone, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    /// <summary>Preview beside Save: the same save, rolled back, and who would gain or lose what; the posted choices stay on the form.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        var posted = Posted();
        var result = await defaults.PreviewAsync(HttpContext.Actor(), posted, cancellationToken);
        if (result.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        WhatIf = result.Value;
        ShowErrors(result);
        var stored = (await defaults.ReadAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
        Current = [.. stored.Select(d => posted.FirstOrDefault(p => p.Module == d.Module && Enum.IsDefined(p.Access)) ?? d)];
        return Page();
    }

    private List<ModuleDefaultInput> Posted() =>
        [.. Defaults.Select(d => new ModuleDefaultInput(d.Key, Enum.TryParse<OrganisationDefault>(d.Value, out var access) ? access : (OrganisationDefault)(-1)))];

    private void ShowErrors(Web.Result result)
    {
        result.CopyTo(ModelState, "Defaults");
        foreach (var message in result.Errors.Values.SelectMany(m => m))
        {
            ModelState.AddModelError("", message);
        }
    }

    public async Task<IActionResult> OnGetAsync(bool saved, CancellationToken cancellationToken)
    {
        var result = await defaults.ReadAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Current = result.Value;
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await defaults.RunAsync(HttpContext.Actor(), Posted(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/access/defaults?saved=true");
        }

        ShowErrors(result);

        Current = (await defaults.ReadAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
        return Page();
    }
}
