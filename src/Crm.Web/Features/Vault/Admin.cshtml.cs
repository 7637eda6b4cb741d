using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Vault;

/// <summary><c>/admin/vault</c>: the vault's categories with their interval, entry count and grants, and the form to add one (administrators, by the /admin convention).</summary>
public sealed class VaultAdminPage(ListVaultCategories list, SaveVaultCategory save) : PageModel
{
    public IReadOnlyList<VaultCategoryView> Categories { get; private set; } = [];

    [BindProperty]
    public VaultCategoryInput Input { get; set; } = new(null, VaultCategory.DefaultRotationDays);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(HttpContext.Actor(), null, Input, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/vault");
        }

        result.CopyTo(ModelState);
        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        Categories = result.Value ?? [];
        return result.IsOk;
    }
}
