using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Who must use two-factor sign-in: administrators (one switch) and the members of chosen roles.
/// It bites at each person's next sign-in: sessions already open are not interrupted. A grace
/// period lets the people it newly covers work on for some days first (ADR 0048). Passwordless
/// sign-in with a passkey is allowed or not here too (ADR 0049).
/// </summary>
public sealed class SaveTwoFactorPolicy(CrmDb db, ActivityLog activity, TimeProvider clock, SecondFactorPolicy secondFactorPolicy)
{
    public const string GraceDaysField = "graceDays";

    public static readonly string GraceDaysRange =
        $"Enter a whole number of days from 0 (no grace period) to {SecondFactorPolicy.MaxGraceDays}.";

    public async Task<Result> RunAsync(
        Actor actor, bool requiredForAdministrators, IReadOnlyCollection<int> requiredRoleIds, int graceDays, bool passwordlessSignIn, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can change the two-factor policy.");
        }

        if (graceDays is < 0 or > SecondFactorPolicy.MaxGraceDays)
        {
            return Result.Invalid(GraceDaysField, GraceDaysRange);
        }

        var roles = await db.Roles.Where(r => requiredRoleIds.Contains(r.Id)).Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        if (roles.Count != requiredRoleIds.Distinct().Count())
        {
            return Result.Invalid("requiredRoles", "One of the chosen roles does not exist (any more): reload the page and choose again.");
        }

        var policy = await db.Set<TwoFactorPolicy>().FirstOrDefaultAsync(p => p.Id == TwoFactorPolicy.TheId, cancellationToken);
        if (policy is null)
        {
            policy = new TwoFactorPolicy();
            db.Add(policy);
        }

        var before = await db.Set<TwoFactorRoleRequirement>().ToListAsync(cancellationToken);
        var wanted = roles.Select(r => r.Id).ToHashSet();
        if (policy.RequiredForAdministrators == requiredForAdministrators && policy.GraceDays == graceDays && policy.PasswordlessSignIn == passwordlessSignIn
            && db.Entry(policy).State != EntityState.Added
            && before.Select(r => r.RoleId).ToHashSet().SetEquals(wanted))
        {
            return Result.Ok();
        }

        db.RemoveRange(before.Where(r => !wanted.Contains(r.RoleId)));
        db.AddRange(wanted.Where(id => before.All(r => r.RoleId != id)).Select(id => new TwoFactorRoleRequirement { RoleId = id }));
        policy.RequiredForAdministrators = requiredForAdministrators;
        policy.GraceDays = graceDays;
        policy.PasswordlessSignIn = passwordlessSignIn;
        policy.ChangedAt = clock.GetUtcNow().UtcDateTime;
        await secondFactorPolicy.RecordCoverageAsync(requiredForAdministrators, wanted, policy.ChangedAt.Value, cancellationToken);
        var byRole = roles.Count == 0 ? "no role" : string.Join(", ", roles.Select(r => r.Name).Order(StringComparer.CurrentCulture));
        activity.Record(actor, TwoFactorActivity.PolicyChanged,
            $"Two-factor sign-in policy: {(requiredForAdministrators ? "required" : "not required")} for administrators; required by role: {byRole}; grace period: {(graceDays == 0 ? "none" : graceDays.ToString(CultureInfo.InvariantCulture) + " days")}; passwordless sign-in with a passkey: {(passwordlessSignIn ? "allowed" : "not allowed")}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
