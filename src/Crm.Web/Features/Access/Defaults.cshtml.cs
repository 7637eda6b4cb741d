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
        var posted = Defaults.Select(d => new ModuleDefaultInput(d.Key, Enum.TryParse<OrganisationDefault>(d.Value, out var access) ? access : (OrganisationDefault)(-1))).ToList();
        var result = await defaults.RunAsync(HttpContext.Actor(), posted, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/access/defaults?saved=true");
        }

        result.CopyTo(ModelState, "Defaults");
        foreach (var message in result.Errors.Values.SelectMany(m => m))
        {
            ModelState.AddModelError("", message);
        }

        Current = (await defaults.ReadAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
        return Page();
    }
}
