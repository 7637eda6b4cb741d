using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// Creates a token and shows it in the answer to the POST itself: the token's text never goes
/// into a URL, TempData or a cookie, and reloading the list cannot show it again.
/// </summary>
public sealed class NewApiTokenPage(CreateApiToken create, ListTokenUsers listUsers) : PageModel
{
    [BindProperty]
    public NewApiTokenForm Input { get; set; } = new();

    public IReadOnlyList<TokenUser> Users { get; private set; } = [];

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
                new CreateApiTokenInput(Input.Name, userId, days, Input.AcknowledgeFullAccess),
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

    private async Task<bool> LoadUsersAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), cancellationToken);
        Users = result.Value ?? [];
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

        [Display(Name = "I understand this token will have full access")]
        public bool AcknowledgeFullAccess { get; set; }
    }
}
