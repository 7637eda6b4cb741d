using System.Security.Claims;
using Crm.Web.Features.Account;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Between a correct password and the second factor there is no session, only Identity's
/// short-lived, encrypted two-factor cookie naming the user and their security stamp (a password
/// change in between voids it). It says nothing to anyone but the second-step page.
/// </summary>
public sealed class PendingSecondStep(IOptions<IdentityOptions> identity)
{
    public const string Path = "/account/second-step";

    public Task BeginAsync(CrmUser user, HttpContext http) =>
        http.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Id.ToString()),
                new Claim(identity.Value.ClaimsIdentity.SecurityStampClaimType, user.SecurityStamp ?? ""),
            ],
            IdentityConstants.TwoFactorUserIdScheme)));

    /// <summary>The user waiting for their second step and the stamp they had then; null when nobody is (or the cookie expired).</summary>
    public async Task<(Guid UserId, string Stamp)?> ReadAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        return result.Succeeded && Guid.TryParse(result.Principal.FindFirstValue(ClaimTypes.Name), out var id)
            ? (id, result.Principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType) ?? "")
            : null;
    }

    public Task EndAsync(HttpContext http) => http.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
}
