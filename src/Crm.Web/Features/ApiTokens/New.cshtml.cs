using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Crm.Web.Features.Account;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// Creates a token and shows it in the answer to the POST itself: the token's text never goes
/// into a URL, TempData or a cookie, and reloading the list cannot show it again.
/// </summary>
public sealed class NewApiTokenPage(CreateApiToken create, ListTokenUsers listUsers, PermissionCatalog catalog, FreshSignIn freshSignIn) : PageModel
{
    [BindProperty]
    public NewApiTokenForm Input { get; set; } = new();

    public IReadOnlyList<TokenUser> Users { get; private set; } = [];

    /// <summary>The modules and their actions, for the scope checkboxes.</summary>
    public PermissionCatalog Catalog => catalog;

    /// <summary>The session is older than 10 minutes: the form asks for the password.</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>Set only in the answer to a successful POST.</summary>
    public CreatedApiToken? Created { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadUsersAsync(cancellationToken) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Guid? userId = null;
        if (!string.IsNullOrWhiteSpace(Input.UserId))
        {
            if (Guid.TryParse(Input.UserId, out var parsed))
            {
                userId = parsed;
            }
            else
            {
                ModelState.AddModelError("Input.UserId", "Choose a user from the list.");
            }
        }

        int? days = null;
        if (!string.IsNullOrWhiteSpace(Input.ExpiresInDays))
        {
            if (int.TryParse(Input.ExpiresInDays.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedDays))
            {
                days = parsedDays;
            }
            else
            {
                ModelState.AddModelError("Input.ExpiresInDays", CreateApiToken.ExpiryMessage);
            }
        }

        if (ModelState.IsValid)
        {
            var result = await create.RunAsync(
                HttpContext.Actor(),
                new CreateApiTokenInput(Input.Name, userId, days, Input.AcknowledgeFullAccess, ChosenScopes(Input.Scopes), Input.CurrentPassword),
                cancellationToken);
            if (result.IsOk)
            {
                Created = result.Value;
                return Page();
            }

            result.CopyTo(ModelState);
        }

        return await LoadUsersAsync(cancellationToken) ? Page() : Forbid();
    }

    /// <summary>The ticked "module:action" boxes grouped by module; a value without a colon is a module with no action, which the use case refuses.</summary>
    private static Dictionary<string, IReadOnlyList<string>?>? ChosenScopes(List<string>? ticked) =>
        ticked is null || ticked.Count == 0
            ? null
            : ticked.Select(t => t.Split(':', 2))
                .GroupBy(p => p[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>?)[.. g.Where(p => p.Length == 2).Select(p => p[1])], StringComparer.Ordinal);

    private async Task<bool> LoadUsersAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), cancellationToken);
        Users = result.Value ?? [];
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
        return result.IsOk;
    }

    public sealed class NewApiTokenForm
    {
        [Display(Name = "Name")]
        public string? Name { get; set; }

        // UserId and ExpiresInDays are bound as text so that a stray value gets a message of ours,
        // not the model binder's (which repeats the value back, however long).
        [Display(Name = "Acts as user")]
        public string? UserId { get; set; }

        [Display(Name = "Expires after (days)")]
        public string? ExpiresInDays { get; set; }

        /// <summary>Ticked "module:action" boxes; none for a token with all of its user's permissions.</summary>
        [Display(Name = "Scopes")]
        public List<string> Scopes { get; set; } = [];

        [Display(Name = "I understand this token will have full access")]
        public bool AcknowledgeFullAccess { get; set; }

        public string? CurrentPassword { get; set; }
    }
}
