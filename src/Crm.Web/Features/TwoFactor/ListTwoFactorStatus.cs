using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// One user's second factor. <see cref="Enabled"/>: any second factor (authenticator app or passkey).
/// <see cref="Deadline"/>: for someone required to have one who has not,
/// the moment they are held on enrolment (null: their grace period starts at their next sign-in);
/// <see cref="Overdue"/> once it has passed. <see cref="LastUsedAt"/>: the latest use of either.
/// </summary>
public sealed record TwoFactorStatus(
    Guid UserId, string Name, string Email, bool IsAdministrator, bool IsActive, bool Required, bool Enabled, int RecoveryCodesLeft, DateTime? LastUsedAt,
    DateTime? Deadline = null, bool Overdue = false, bool AuthenticatorApp = false, int Passkeys = 0);

public sealed record RoleRequirement(int RoleId, string Name, bool Required);

public sealed record TwoFactorOverview(
    bool RequiredForAdministrators, IReadOnlyList<RoleRequirement> Roles, int AdministratorsWithout, IReadOnlyList<TwoFactorStatus> Users, int GraceDays = 0,
    bool PasswordlessSignIn = false);

/// <summary>Every user's second factor for Administration › Two-factor, or only the active administrators without one.</summary>
public sealed class ListTwoFactorStatus(CrmDb db, SecondFactorPolicy policy, TimeProvider clock)
{
    public async Task<Result<TwoFactorOverview>> RunAsync(Actor actor, bool administratorsWithoutOnly, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<TwoFactorOverview>.Forbidden("Only an administrator can see everyone's two-factor sign-in.");
        }

        var forAdministrators = await policy.RequiredForAdministratorsAsync(cancellationToken);
        var graceDays = await policy.GraceDaysAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var roles = await db.Roles.OrderBy(r => r.Name)
            .Select(r => new RoleRequirement(r.Id, r.Name, db.Set<TwoFactorRoleRequirement>().Any(q => q.RoleId == r.Id)))
            .ToListAsync(cancellationToken);
        var requiredRoles = roles.Where(r => r.Required).Select(r => r.RoleId).ToHashSet();
        var rows = await db.Users
            .OrderBy(u => u.FullName).ThenBy(u => u.Email)
            .Select(u => new
            {
                u.Id, u.FullName, u.Email, u.IsAdministrator, u.IsActive, u.TwoFactorEnabled, u.RoleId,
                Left = db.Set<RecoveryCode>().Count(c => c.UserId == u.Id && c.UsedAt == null),
                AppOn = db.Set<TwoFactorEnrolment>().Any(e => e.UserId == u.Id && e.ConfirmedAt != null),
                LastUsedAt = db.Set<TwoFactorEnrolment>().Where(e => e.UserId == u.Id).Select(e => e.LastUsedAt).FirstOrDefault(),
                Passkeys = db.Set<Passkey>().Count(p => p.UserId == u.Id),
                PasskeyLastUsedAt = db.Set<Passkey>().Where(p => p.UserId == u.Id).Max(p => p.LastUsedAt),
            })
            .ToListAsync(cancellationToken);
        var coverage = await db.Set<TwoFactorCoverage>().AsNoTracking().ToDictionaryAsync(c => c.UserId, cancellationToken);
        var all = rows.Select(r =>
        {
            var required = (r.IsAdministrator && forAdministrators) || requiredRoles.Contains(r.RoleId);
            var deadline = required && !r.TwoFactorEnabled && coverage.TryGetValue(r.Id, out var c) ? c.Deadline(graceDays) : (DateTime?)null;
            var lastUsed = new[] { r.LastUsedAt, r.PasskeyLastUsedAt }.Max();
            return new TwoFactorStatus(r.Id, r.FullName, r.Email ?? "", r.IsAdministrator, r.IsActive, required, r.TwoFactorEnabled,
                r.TwoFactorEnabled ? r.Left : 0, lastUsed, deadline, deadline <= now, r.AppOn && r.TwoFactorEnabled, r.Passkeys);
        }).ToList();
        static bool AdministratorWithout(TwoFactorStatus s) => s is { IsAdministrator: true, IsActive: true, Enabled: false };

        return Result<TwoFactorOverview>.Ok(new TwoFactorOverview(
            forAdministrators,
            roles,
            all.Count(AdministratorWithout),
            administratorsWithoutOnly ? all.Where(AdministratorWithout).ToList() : all,
            graceDays,
            await policy.PasswordlessSignInAsync(cancellationToken)));
    }
}
