using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Vault;

/// <summary><c>/vault/new</c>: adds an entry to a category the person holds "edit" on.</summary>
public sealed class NewVaultEntryPage(ListVaultCategories categories, GeneratePassword generator, SaveVaultEntry save)
    : VaultEntryFormPage(categories, generator)
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadCategoriesAsync(cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostGenerateAsync(CancellationToken cancellationToken) => GenerateAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await save.CreateAsync(HttpContext.Actor(), Input.ToInput(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/vault/{result.Value.Id}");
        }

        result.CopyTo(ModelState);
        return await LoadCategoriesAsync(cancellationToken) ? Page() : NotFound();
    }
}
