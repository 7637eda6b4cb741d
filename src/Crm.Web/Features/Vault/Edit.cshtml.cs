using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Vault;

/// <summary><c>/vault/{id}/edit</c>: changes an entry the person may edit; the secrets stay unless typed again.</summary>
public sealed class EditVaultEntryPage(ListVaultCategories categories, GeneratePassword generator, SaveVaultEntry save, ReadVaultEntry read)
    : VaultEntryFormPage(categories, generator)
{
    public VaultEntrySummary Entry { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadEntryAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (Entry.Access != "edit")
        {
            return Forbid();
        }

        Input = new VaultEntryForm { Name = Entry.Name, Url = Entry.Url, UserName = Entry.UserName, CategoryId = Entry.CategoryId };
        return await LoadCategoriesAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await save.UpdateAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/vault/{id}");
        }

        if (result.Outcome == Outcome.NotFound || !await LoadEntryAsync(id, cancellationToken))
        {
            return NotFound();
        }

        result.CopyTo(ModelState);
        return await LoadCategoriesAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostGenerateAsync(int id, CancellationToken cancellationToken) =>
        await LoadEntryAsync(id, cancellationToken) ? await GenerateAsync(cancellationToken) : NotFound();

    private async Task<bool> LoadEntryAsync(int id, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            Entry = result.Value.Entry;
        }

        return result.IsOk;
    }
}
