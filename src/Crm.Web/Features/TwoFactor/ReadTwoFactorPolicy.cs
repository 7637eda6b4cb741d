using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>The policy as the API shows and takes it (<c>PUT</c> sets all four).</summary>
public sealed record TwoFactorPolicyView(bool RequiredForAdministrators, IReadOnlyList<int> RequiredRoleIds, int GraceDays, bool PasswordlessSignIn);

/// <summary>The organisation's two-factor policy for the API, as the policy form of Administration › Two-factor shows it.</summary>
public sealed class ReadTwoFactorPolicy(CrmDb db, SecondFactorPolicy policy)
{
    public async Task<Result<TwoFactorPolicyView>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<TwoFactorPolicyView>.Forbidden("Only an administrator can see the two-factor policy.");
        }

        var roles = await db.Set<TwoFactorRoleRequirement>().Select(r => r.RoleId).OrderBy(id => id).ToListAsync(cancellationToken);
        return Result<TwoFactorPolicyView>.Ok(new TwoFactorPolicyView(
            await policy.RequiredForAdministratorsAsync(cancellationToken), roles, await policy.GraceDaysAsync(cancellationToken),
            await policy.PasswordlessSignInAsync(cancellationToken)));
    }
}
