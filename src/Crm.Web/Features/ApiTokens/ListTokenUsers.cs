using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

public sealed record TokenUser(Guid Id, string Name, string Email, bool IsAdministrator, bool IsIntegration = false);

/// <summary>
/// The users a new token (or a webhook endpoint, or an automation rule) may act as: the active
/// ones, integration users first as they are the recommended path, administrators marked as such.
/// </summary>
public sealed class ListTokenUsers(CrmDb db)
{
    public async Task<Result<IReadOnlyList<TokenUser>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<TokenUser>>.Forbidden("Only an administrator can create API tokens.");
        }

        var users = await db.Users.Where(u => u.IsActive)
            .OrderByDescending(u => u.IsIntegration).ThenBy(u => u.FullName).ThenBy(u => u.Email)
            .Select(u => new TokenUser(u.Id, u.FullName, u.Email ?? "", u.IsAdministrator, u.IsIntegration))
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<TokenUser>>.Ok(users);
    }
}
