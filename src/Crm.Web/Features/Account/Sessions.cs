using System.Security.Claims;
using Crm.Web.Data;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Account;

/// <summary>
/// Server-side sessions: every cookie names a <see cref="UserSession"/> row, checked on every
/// request together with the user's active flag and security stamp. One indexed query per request
/// buys what a cookie alone cannot: sign-out, deactivation and password changes bite at once.
/// </summary>
public sealed class Sessions(CrmDb db, TimeProvider clock)
{
    public const string SessionClaim = "crm:session";

    /// <summary>How stale <see cref="UserSession.LastSeenAt"/> may get before a request refreshes it.</summary>
    private static readonly TimeSpan s_touchInterval = TimeSpan.FromMinutes(1);

    public async Task<Guid> StartAsync(CrmUser user, HttpContext http, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            IpAddress = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Truncate(http.Request.Headers.UserAgent.ToString(), 512),
        };
        db.UserSessions.Add(session);
        user.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (ReadSessionId(principal) is not { } sessionId)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await db.UserSessions
            .Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    /// <summary>Ends every open session of a user (password change, reset, deactivation).</summary>
    public async Task RevokeAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), cancellationToken);
    }

    public static Guid? ReadSessionId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionClaim), out var id) ? id : null;

    /// <summary>The cookie handler's OnValidatePrincipal: reject the cookie unless its session is alive.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var principal = context.Principal;
        var services = http.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;

        if (principal is null
            || ReadSessionId(principal) is not { } sessionId
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            await RejectAsync(context);
            return;
        }

        var db = services.GetRequiredService<CrmDb>();
        var state = await db.UserSessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .Select(s => new
            {
                s.LastSeenAt, s.PreviewUserId, s.User!.IsActive, s.User.SecurityStamp, s.User.MustChangePassword,
                s.User.IsIntegration, s.User.IsAdministrator, s.User.FullName, s.User.Email,
                PermissionStamp = db.Set<PermissionStamp>().Where(p => p.Id == PermissionStamp.SingletonId).Select(p => (Guid?)p.Token).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(http.RequestAborted);

        if (state is null || !state.IsActive || state.IsIntegration || state.SecurityStamp != principal.FindFirstValue(stampClaim))
        {
            await RejectAsync(context);
            return;
        }

        var signedIn = new SignedInUser(userId, sessionId, state.Email ?? "", state.FullName, state.IsAdministrator, state.MustChangePassword);
        if (state.PreviewUserId is { } previewed && state.IsAdministrator && !state.MustChangePassword)
        {
            // The administrator sees the CRM as the previewed user: that user's identity and
            // permissions, read-only, with the administrator remembered for the banner and the log.
            var target = await db.Users.Where(u => u.Id == previewed && u.IsActive)
                .Select(u => new { u.Id, u.Email, u.FullName, u.IsAdministrator })
                .FirstOrDefaultAsync(http.RequestAborted);
            if (target is not null)
            {
                signedIn = new SignedInUser(target.Id, sessionId, target.Email ?? "", target.FullName, target.IsAdministrator, false)
                {
                    PreviewedBy = new PreviewingAdministrator(userId, signedIn.DisplayName),
                };
            }
        }

        http.Features.Set(signedIn);
        services.GetRequiredService<RequestPermissionStamp>().Token = state.PermissionStamp;

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (now - state.LastSeenAt > s_touchInterval)
        {
            await db.UserSessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), http.RequestAborted);
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    private static string? Truncate(string value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}

/// <summary>What the session check learnt about the caller, for the rest of the request.</summary>
public sealed record SignedInUser(Guid UserId, Guid SessionId, string Email, string FullName, bool IsAdministrator, bool MustChangePassword)
{
    /// <summary>Set when the caller authenticated with an API token instead of a session.</summary>
    public string? ApiTokenName { get; init; }

    /// <summary>The API token's scopes, when it is limited to some modules and actions.</summary>
    public Security.Permissions.TokenScopes? ApiTokenScopes { get; init; }

    /// <summary>Set while an administrator previews the CRM as this user (read-only).</summary>
    public PreviewingAdministrator? PreviewedBy { get; init; }

    public string DisplayName => string.IsNullOrWhiteSpace(FullName) ? Email : FullName;
}

/// <summary>The administrator behind a preview session.</summary>
public sealed record PreviewingAdministrator(Guid UserId, string DisplayName);
