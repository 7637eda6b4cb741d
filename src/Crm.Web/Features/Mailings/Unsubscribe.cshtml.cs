using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

/// <summary>The unsubscribe link's page: anonymous (recipients have no account), the signed token is the only key.</summary>
[AllowAnonymous]
public sealed class UnsubscribePage(Unsubscribe unsubscribe) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    /// <summary>The address the link names; null for a link that is not valid.</summary>
    public string? Address { get; private set; }

    public bool Done { get; private set; }

    public IActionResult OnGet()
    {
        Address = unsubscribe.AddressOf(Token);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await unsubscribe.RunAsync(Token, cancellationToken);
        if (result.IsOk)
        {
            Address = result.Value;
            Done = true;
        }

        return Page();
    }
}
