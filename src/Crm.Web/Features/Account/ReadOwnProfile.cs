using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

public sealed record OwnProfile(Guid Id, string Email, string FullName, bool IsAdministrator, bool MustChangePassword, DateTime? LastSignInAt, int OpenSessions);

/// <summary>The caller's own profile: the one user record every signed-in person may read.</summary>
public sealed class ReadOwnProfile(CrmDb db)
{
    public async Task<Result<OwnProfile>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        var profile = await db.Users
            .Where(u => u.Id == actor.UserId)
            .Select(u => new OwnProfile(
                u.Id,
                u.Email ?? "",
                u.FullName,
                u.IsAdministrator,
                u.MustChangePassword,
                u.LastSignInAt,
                db.UserSessions.Count(s => s.UserId == u.Id && s.RevokedAt == null)))
            .FirstOrDefaultAsync(cancellationToken);
        return profile is null ? Result<OwnProfile>.NotFound() : Result<OwnProfile>.Ok(profile);
    }
}
