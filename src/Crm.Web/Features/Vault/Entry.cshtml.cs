using Crm.Web.Features.Account;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Vault;

/// <summary>
/// <c>/vault/{id}</c>: an entry without its secrets, its history, and the explicit Reveal and Copy
/// actions (POST, antiforgery, logged). When the sign-in is older than 10 minutes both ask for the
/// password first. Administrators manage the entry's grants here too.
/// </summary>
public sealed class VaultEntryPage(ReadVaultEntry read, RevealVaultEntry reveal, DeleteVaultEntry delete, SaveVaultGrant grant, RemoveVaultGrant removeGrant,
    SharedRecords records, FreshSignIn freshSignIn) : PageModel
{
    /// <summary>The header the copy button's script sends, to get the password as JSON rather than a page.</summary>
    public const string CopyHeader = "X-Vault-Copy";

    public VaultEntryDetails Details { get; private set; } = null!;

    public IReadOnlyList<VaultGrantChoice> Choices { get; private set; } = [];

    public bool IsAdministrator { get; private set; }

    /// <summary>Whether Reveal and Copy will ask for the password.</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>Set only in the answer to a successful Reveal.</summary>
    public VaultSecrets? Revealed { get; private set; }

    /// <summary>Set only in the answer to a Copy without the script: the password to select and copy by hand.</summary>
    public string? Copied { get; private set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? GrantTo { get; set; }

    [BindProperty]
    public string? GrantAccess { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRevealAsync(int id, CancellationToken cancellationToken)
    {
        var result = await reveal.RevealAsync(HttpContext, id, Password, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            Revealed = result.Value;
        }
        else
        {
            ShowProblems(result);
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostCopyAsync(int id, CancellationToken cancellationToken)
    {
        var result = await reveal.CopyAsync(HttpContext, id, Password, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (Request.Headers.ContainsKey(CopyHeader))
        {
            return result.IsOk ? new JsonResult(new { password = result.Value.Password }) : new StatusCodeResult(StatusCodes.Status403Forbidden);
        }

        if (result.IsOk)
        {
            Copied = result.Value.Password;
        }
        else
        {
            ShowProblems(result);
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/vault");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        ShowProblems(result);
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostGrantAsync(int id, CancellationToken cancellationToken)
    {
        var result = await grant.RunAsync(HttpContext.Actor(), VaultGrantPlace.Entry(id), VaultGrantChoices.ToInput(GrantTo, GrantAccess), cancellationToken);
        return await AfterGrantChangeAsync(id, result.IsOk, result, cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveGrantAsync(int id, long grantId, CancellationToken cancellationToken)
    {
        var result = await removeGrant.RunAsync(HttpContext.Actor(), VaultGrantPlace.Entry(id), grantId, cancellationToken);
        return await AfterGrantChangeAsync(id, result.IsOk, result, cancellationToken);
    }

    private async Task<IActionResult> AfterGrantChangeAsync(int id, bool done, Result result, CancellationToken cancellationToken)
    {
        if (done)
        {
            return Redirect($"/vault/{id}");
        }

        ShowProblems(result);
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    /// <summary>The refusal in the page's summary, each field's message beside the page's own field of that name.</summary>
    private void ShowProblems(Result result)
    {
        foreach (var (field, messages) in result.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field.Length == 0 ? "" : char.ToUpperInvariant(field[0]) + field[1..], message);
            }
        }

        if (result.Outcome is not Outcome.Invalid && result.Message is not null)
        {
            ModelState.AddModelError("", result.Message);
        }
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!result.IsOk)
        {
            return false;
        }

        Details = result.Value;
        NeedsPassword = Revealed is null && Copied is null && !await freshSignIn.IsFreshAsync(HttpContext, cancellationToken);
        IsAdministrator = HttpContext.Actor().IsAdministrator;
        Choices = IsAdministrator ? await VaultGrantChoices.LoadAsync(records, cancellationToken) : [];
        return true;
    }
}
