using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

/// <summary>
/// "Did this person prove who they are a moment ago?", for sensitive actions: revealing a vault
/// entry, adding or making an administrator, creating an API token, changing the SMTP settings, rotating a webhook's secret (resetting
/// someone's second factor always asks for the password). A session is fresh for <see cref="MaxAge"/>
/// after its sign-in or after the user confirms their password again in it (<see cref="ConfirmAsync"/>).
/// API tokens and previews are never fresh: a token proves nothing about who holds it, and a preview
/// is someone else's session.
/// </summary>
public sealed class FreshSignIn(CrmDb db, TimeProvider clock, PasswordCheck passwords, UserManager<CrmUser> users, ActivityLog activity, IHttpContextAccessor accessor)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    public const string Needed = "Confirm your password to continue: this action needs a sign-in from the last 10 minutes.";

    public const string NotByToken = "Only a person signed in with their password can do this: not an API token, and not a preview as someone else.";

    /// <summary>The input field of the sensitive actions' forms and request bodies that carries the password.</summary>
    public const string PasswordField = "currentPassword";

    /// <summary>
    /// For a sensitive action of the current request: null when the session is fresh, or is made
    /// fresh now by <paramref name="password"/>; otherwise the refusal: 403 for a token or a preview,
    /// else a message under <see cref="PasswordField"/> (the password is needed, or wrong). Call it after the
    /// action's own permission check and before anything changes.
    /// </summary>
    public async Task<Result?> RequireAsync(string? password, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is not { } http || http.SignedIn() is not { ApiTokenName: null, PreviewedBy: null })
        {
            return Result.Forbidden(NotByToken);
        }

        if (await IsFreshAsync(http, cancellationToken))
        {
            return null;
        }

        if (string.IsNullOrEmpty(password))
        {
            return Result.Invalid(PasswordField, Needed);
        }

        var errors = await ConfirmAsync(http, password, PasswordField, cancellationToken);
        return errors.Any ? Result.Invalid(errors) : null;
    }

    /// <summary>Whether the current request's form should ask for the password (a stale session).</summary>
    public async Task<bool> NeedsPasswordAsync(CancellationToken cancellationToken) =>
        accessor.HttpContext is { } http && !await IsFreshAsync(http, cancellationToken);

    public async Task<bool> IsFreshAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.SignedIn() is not { ApiTokenName: null, PreviewedBy: null } signedIn)
        {
            return false;
        }

        var since = clock.GetUtcNow().UtcDateTime - MaxAge;
        return await db.UserSessions.AnyAsync(s => s.Id == signedIn.SessionId && s.UserId == signedIn.UserId && s.RevokedAt == null
            && (s.CreatedAt > since || s.ReauthenticatedAt > since), cancellationToken);
    }

    /// <summary>
    /// Checks <paramref name="password"/> (failures count towards the lockout, like at sign-in) and
    /// marks the session fresh; the confirmation is in the activity log. Errors under <paramref name="field"/>.
    /// </summary>
    public async Task<FieldErrors> ConfirmAsync(HttpContext http, string? password, string field, CancellationToken cancellationToken)
    {
        if (http.SignedIn() is not { ApiTokenName: null, PreviewedBy: null } signedIn
            || await users.FindByIdAsync(signedIn.UserId.ToString()) is not { } user)
        {
            return new FieldErrors().Add(field, "Only a person signed in with their password can confirm it; an API token or a preview cannot.");
        }

        var errors = await passwords.CheckAsync(user, password, field);
        if (errors.Any)
        {
            return errors;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await db.UserSessions.Where(s => s.Id == signedIn.SessionId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ReauthenticatedAt, now), cancellationToken);
        activity.Record(http.Actor(), ActivityKinds.Reauthenticated, "Confirmed their password for a sensitive action");
        await db.SaveChangesAsync(cancellationToken);
        return errors;
    }
}
