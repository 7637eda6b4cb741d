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
/// tab or the policy being turned off releases it at once.
/// </summary>
public sealed class SecondFactorPolicy(CrmDb db)
{
    /// <summary>The claim of a session that may only reach enrolment.</summary>
    public const string MustEnrolClaim = "crm:must-enrol-2fa";

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

    /// <summary>True when the user must use two-factor sign-in and has not enrolled yet.</summary>
    public async Task<bool> MustEnrolAsync(Guid userId, CancellationToken cancellationToken) =>
        !await db.Users.AnyAsync(u => u.Id == userId && u.TwoFactorEnabled, cancellationToken) && await RequiredForAsync(userId, cancellationToken);

    /// <summary>The claims a new session of <paramref name="user"/> carries for the gate (none when it may go everywhere).</summary>
    public async Task<IReadOnlyList<Claim>> SessionClaimsAsync(CrmUser user, CancellationToken cancellationToken) =>
        !user.TwoFactorEnabled && await RequiredForAsync(user.Id, cancellationToken)
            ? [new Claim(MustEnrolClaim, "true")]
            : [];
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
        if (context.User.HasClaim(SecondFactorPolicy.MustEnrolClaim, "true") && context.SignedIn() is { ApiTokenName: null } signedIn
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
