using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Vault;

/// <summary>The entry form's fields as posted (the secrets are never sent back to the browser except a password just generated).</summary>
public sealed class VaultEntryForm
{
    public string? Name { get; set; }
    public string? Url { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string? Notes { get; set; }
    public int? CategoryId { get; set; }
    public string? TotpSeed { get; set; }
    public bool RemoveNotes { get; set; }
    public bool RemoveTotpSeed { get; set; }

    /// <summary>The generator's choices.</summary>
    public int Length { get; set; } = GeneratePassword.DefaultLength;
    public bool Lowercase { get; set; } = true;
    public bool Uppercase { get; set; } = true;
    public bool Digits { get; set; } = true;
    public bool Symbols { get; set; } = true;

    public VaultEntryInput ToInput() => new(Name, Url, UserName, Password, Notes, CategoryId, TotpSeed, RemoveNotes, RemoveTotpSeed);

    public PasswordRecipe ToRecipe() => new(Length, Lowercase, Uppercase, Digits, Symbols);
}

/// <summary>
/// What the new and edit pages share: the categories one may add to, and the Generate button, which
/// fills the password field with a new random password and shows the form again (nothing is saved).
/// </summary>
public abstract class VaultEntryFormPage(ListVaultCategories categories, GeneratePassword generator) : PageModel
{
    [BindProperty]
    public VaultEntryForm Input { get; set; } = new();

    public IReadOnlyList<VaultCategoryView> Categories { get; private set; } = [];

    /// <summary>Set after Generate: the password now in the field, shown once so it can be noted.</summary>
    public string? Generated { get; private set; }

    protected async Task<IActionResult> GenerateAsync(CancellationToken cancellationToken)
    {
        ModelState.Clear();
        var result = generator.Run(Input.ToRecipe());
        if (result.IsOk)
        {
            Input.Password = Generated = result.Value;
        }
        else
        {
            result.CopyTo(ModelState);
        }

        return await LoadCategoriesAsync(cancellationToken) ? Page() : NotFound();
    }

    protected async Task<bool> LoadCategoriesAsync(CancellationToken cancellationToken)
    {
        var result = await categories.RunAsync(HttpContext.Actor(), cancellationToken);
        Categories = result.Value ?? [];
        return result.IsOk;
    }
}
