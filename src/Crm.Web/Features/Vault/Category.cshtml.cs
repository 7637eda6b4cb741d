using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Vault;

/// <summary><c>/admin/vault/categories/{id}</c>: a category's name and rotation interval, its grants, and delete (when empty).</summary>
public sealed class VaultCategoryPage(ListVaultCategories list, SaveVaultCategory save, DeleteVaultCategory delete, SaveVaultGrant grant, RemoveVaultGrant removeGrant,
    SharedRecords records) : PageModel
{
    public VaultCategoryView Category { get; private set; } = null!;

    public IReadOnlyList<VaultGrantChoice> Choices { get; private set; } = [];

    [BindProperty]
    public VaultCategoryInput Input { get; set; } = new(null, null);

    [BindProperty]
    public string? GrantTo { get; set; }

    [BindProperty]
    public string? GrantAccess { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Input = new VaultCategoryInput(Category.Name, Category.RotationDays);
        return Page();
    }

    /// <summary>Saved: back to the list of categories, which shows the new name and interval.</summary>
    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(HttpContext.Actor(), id, Input, cancellationToken);
        return result.IsOk ? Redirect("/admin/vault") : await AfterAsync(id, result, "Input", cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.IsOk ? Redirect("/admin/vault") : await AfterAsync(id, result, "Input", cancellationToken);
    }

    public async Task<IActionResult> OnPostGrantAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await grant.RunAsync(HttpContext.Actor(), VaultGrantPlace.Category(id), VaultGrantChoices.ToInput(GrantTo, GrantAccess), cancellationToken),
            "Grant", cancellationToken);

    public async Task<IActionResult> OnPostRemoveGrantAsync(int id, long grantId, CancellationToken cancellationToken) =>
        await AfterAsync(id, await removeGrant.RunAsync(HttpContext.Actor(), VaultGrantPlace.Category(id), grantId, cancellationToken), "Grant", cancellationToken);

    private async Task<IActionResult> AfterAsync(int id, Result result, string prefix, CancellationToken cancellationToken)
    {
        if (result.IsOk)
        {
            return Redirect($"/admin/vault/categories/{id}");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        result.CopyTo(ModelState, prefix);
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (result.Value?.FirstOrDefault(c => c.Id == id) is not { } category)
        {
            return false;
        }

        Category = category;
        Choices = await VaultGrantChoices.LoadAsync(records, cancellationToken);
        return true;
    }
}
