using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.ApiTokens;

/// <summary>The list of API tokens, with a revoke form per live token (administrators only, by the /admin convention).</summary>
public sealed class ApiTokensPage(ListApiTokens list, RevokeApiToken revoke, RevokeUsersApiTokens revokeAll) : PageModel
{
    public IReadOnlyList<ApiTokenSummary> Tokens { get; private set; } = [];

    /// <summary>The name of the token just revoked, to say so.</summary>
    public string? Revoked { get; private set; }

    /// <summary>How many tokens "revoke all of this user" just revoked, to say so.</summary>
    public int? RevokedAll { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? revoked, int? revokedAll, CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Tokens = result.Value;
        Revoked = revoked is { } id ? Tokens.FirstOrDefault(t => t.Id == id)?.Name : null;
        RevokedAll = revokedAll;
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await revoke.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect($"/admin/tokens?revoked={id}"),
            Outcome.NotFound => NotFound(),
            _ => Forbid(),
        };
    }

    public async Task<IActionResult> OnPostRevokeAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var result = await revokeAll.RunAsync(HttpContext.Actor(), userId, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect($"/admin/tokens?revokedAll={result.Value!.Revoked.Count}"),
            Outcome.Invalid => NotFound(),
            _ => Forbid(),
        };
    }
}
