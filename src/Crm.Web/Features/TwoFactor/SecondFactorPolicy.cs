using System.Globalization;
using System.Security.Claims;
using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>
/// Who must have a second factor (administrators, members of chosen roles), and the gate that holds a person without one on the
/// enrolment page. The decision is taken when a session starts and carried as a claim of its
/// cookie, so ordinary requests pay nothing; a held request checks again, so enrolling in another
/// tab or the policy being turned off releases it at once. A person still in their grace period
/// (ADR 0048) gets a claim with their deadline instead: the pages show a banner until then, and
/// the first request after it checks again and holds them like the others.
/// </summary>
public sealed class SecondFactorPolicy(CrmDb db, TimeProvider clock)
{
    /// <summary>The claim of a session that may only reach enrolment.</summary>
    public const string MustEnrolClaim = "crm:must-enrol-2fa";

    /// <summary>The claim of a session in its grace period: the deadline (UTC, round-trip format).</summary>
    public const string GraceUntilClaim = "crm:two-factor-grace-until";

    public const int MaxGraceDays = 90;

    public const string SecurityPath = "/account/security";

    public async Task<bool> RequiredForAdministratorsAsync(CancellationToken cancellationToken) =>
        await db.Set<TwoFactorPolicy>().Where(p => p.Id == TwoFactorPolicy.TheId).Select(p => (bool?)p.RequiredForAdministrators)
            .FirstOrDefaultAsync(cancellationToken) ?? true;

    /// <summary>Whether the policy asks <paramref name="userId"/> for a second factor: as an administrator, or by their role.</summary>
    public async Task<bool> RequiredForAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.Where(u => u.Id == userId)
            .Select(u => new { u.IsAdministrator, ByRole = db.Set<TwoFactorRoleRequirement>().Any(r => r.RoleId == u.RoleId) })
            .FirstOrDefaultAsync(cancellationToken);
        return user is not null && (user.ByRole || (user.IsAdministrator && await RequiredForAdministratorsAsync(cancellationToken)));
    }

    /// <summary>Whether the organisation lets people sign in with a passkey alone (off when nobody saved the policy).</summary>
    public async Task<bool> PasswordlessSignInAsync(CancellationToken cancellationToken) =>
        await db.Set<TwoFactorPolicy>().Where(p => p.Id == TwoFactorPolicy.TheId).Select(p => (bool?)p.PasswordlessSignIn)
            .FirstOrDefaultAsync(cancellationToken) ?? false;

    public async Task<int> GraceDaysAsync(CancellationToken cancellationToken) =>
        await db.Set<TwoFactorPolicy>().Where(p => p.Id == TwoFactorPolicy.TheId).Select(p => (int?)p.GraceDays)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;

    /// <summary>
    /// True when the user must use two-factor sign-in, has not enrolled yet and their grace period
    /// is over (someone covered without a recorded moment has none: it is recorded at sign-in).
    /// </summary>
    public async Task<bool> MustEnrolAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, cancellationToken) || !await RequiredForAsync(userId, cancellationToken))
        {
            return false;
        }

        var coverage = await db.Set<TwoFactorCoverage>().AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId, cancellationToken);
        return coverage is null || clock.GetUtcNow().UtcDateTime >= coverage.Deadline(await GraceDaysAsync(cancellationToken));
    }

    /// <summary>
    /// The claims a new session of <paramref name="user"/> carries for the gate (none when it may go
    /// everywhere). Records the moment the policy covers them when nothing did yet; on a new
    /// user's <paramref name="firstSignIn"/> that moment comes with no grace (ADR 0048).
    /// </summary>
    public async Task<IReadOnlyList<Claim>> SessionClaimsAsync(CrmUser user, bool firstSignIn, CancellationToken cancellationToken)
    {
        if (user.TwoFactorEnabled || !await RequiredForAsync(user.Id, cancellationToken))
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var coverage = await db.Set<TwoFactorCoverage>().FirstOrDefaultAsync(c => c.UserId == user.Id, cancellationToken);
        if (coverage is null)
        {
            coverage = new TwoFactorCoverage { UserId = user.Id, CoveredSince = now, GraceApplies = !firstSignIn };
            db.Add(coverage);
            await db.SaveChangesAsync(cancellationToken);
        }

        var deadline = coverage.Deadline(await GraceDaysAsync(cancellationToken));
        return now < deadline
            ? [new Claim(GraceUntilClaim, deadline.ToString("O", CultureInfo.InvariantCulture))]
            : [new Claim(MustEnrolClaim, "true")];
    }

    /// <summary>The deadline a session's cookie carries, when it is in its grace period.</summary>
    public static DateTime? GraceUntil(ClaimsPrincipal user) =>
        user.FindFirst(GraceUntilClaim)?.Value is { } value
        && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var deadline)
            ? DateTime.SpecifyKind(deadline, DateTimeKind.Utc)
            : null;

    /// <summary>
    /// Follows a change of one person's role or administrator flag, already written (same unit of
    /// work): when the policy has just come to cover them and they have no second factor, their
    /// moment is now, so their grace period runs from the change and not from their next sign-in;
    /// someone who never signed in gets none (a new administrator enrols first, ADR 0048). When the
    /// policy no longer covers them, their moment goes, as a policy save does it.
    /// </summary>
    public async Task FollowPrivilegeChangeAsync(CrmUser user, DateTime now, CancellationToken cancellationToken)
    {
        var required = await RequiredForAsync(user.Id, cancellationToken);
        var existing = await db.Set<TwoFactorCoverage>().FirstOrDefaultAsync(c => c.UserId == user.Id, cancellationToken);
        if (existing is not null && !required)
        {
            db.Remove(existing);
        }
        else if (existing is null && required && !user.TwoFactorEnabled)
        {
            db.Add(new TwoFactorCoverage { UserId = user.Id, CoveredSince = now, GraceApplies = user.LastSignInAt is not null });
        }
    }

    /// <summary>
    /// Brings the recorded moments in line with the policy just saved (same unit of work): everyone
    /// it now covers without a second factor and without a moment gets <paramref name="now"/>;
    /// those it no longer covers lose theirs, so covering them again later gives fresh notice.
    /// </summary>
    public async Task RecordCoverageAsync(bool requiredForAdministrators, IReadOnlySet<int> requiredRoleIds, DateTime now, CancellationToken cancellationToken)
    {
        var covered = await db.Users
            .Where(u => (requiredForAdministrators && u.IsAdministrator) || requiredRoleIds.Contains(u.RoleId))
            .Select(u => new { u.Id, u.TwoFactorEnabled }).ToListAsync(cancellationToken);
        var coveredIds = covered.Select(u => u.Id).ToHashSet();
        var existing = await db.Set<TwoFactorCoverage>().ToListAsync(cancellationToken);
        db.RemoveRange(existing.Where(c => !coveredIds.Contains(c.UserId)));
        db.AddRange(covered.Where(u => !u.TwoFactorEnabled && existing.All(c => c.UserId != u.Id))
            .Select(u => new TwoFactorCoverage { UserId = u.Id, CoveredSince = now, GraceApplies = true }));
    }
}

/// <summary>The request step that holds a session the two-factor policy requires enrolment of.</summary>
public static class SecondFactorGate
{
    private static readonly PathString[] s_allowed =
    [
        SecondFactorPolicy.SecurityPath, "/account/sign-out", "/error", "/help", "/health", "/lib", "/css", "/js", "/images", "/branding", "/favicon.ico",
    ];

    /// <summary>
    /// Pages redirect to enrolment and the API answers 403 for a session held by the policy. API
    /// tokens carry no such claim: integrations are not interactive and keep working (by design).
    /// </summary>
    public static IApplicationBuilder UseSecondFactorGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // A session in its grace period is checked again only once the deadline its cookie carries has passed.
        var held = context.User.HasClaim(SecondFactorPolicy.MustEnrolClaim, "true")
            || (SecondFactorPolicy.GraceUntil(context.User) is { } deadline
                && context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime >= deadline);
        if (held && context.SignedIn() is { ApiTokenName: null } signedIn
            && !s_allowed.Any(p => context.Request.Path.StartsWithSegments(p))
            && await context.RequestServices.GetRequiredService<SecondFactorPolicy>().MustEnrolAsync(signedIn.PreviewedBy?.UserId ?? signedIn.UserId, context.RequestAborted))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Your organisation requires two-factor sign-in for your account: set it up at /account/security first.").ExecuteAsync(context);
                return;
            }

            context.Response.Redirect(SecondFactorPolicy.SecurityPath);
            return;
        }

        await next(context);
    });
}
