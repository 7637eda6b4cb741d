using Crm.Web.Data;
using Crm.Web.Security;

namespace Crm.Web.Features.Activity;

/// <summary>Kinds of activity-log entries, named in the administrator's words.</summary>
public static class ActivityKinds
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string SignOut = "sign-out";
    public const string PasswordChanged = "password-changed";
    public const string UserCreated = "user-created";
    public const string UserChanged = "user-changed";
    public const string UserActivated = "user-activated";
    public const string UserDeactivated = "user-deactivated";
    public const string UserDeleted = "user-deleted";
    public const string RoleChanged = "role-changed";
    public const string DepartmentChanged = "department-changed";
    public const string GroupChanged = "group-changed";
    public const string PermissionChanged = "permission-changed";
    public const string TokenCreated = "token-created";
    public const string TokenRevoked = "token-revoked";
    public const string PreviewStarted = "preview-started";
    public const string PreviewEnded = "preview-ended";
    public const string AccessExplained = "access-explained";
    public const string EmailRetried = "email-retried";
    public const string EmailDiscarded = "email-discarded";
    public const string EmailQueueProcessed = "email-queue-processed";
    public const string EmailTestSent = "email-test-sent";
    public const string SettingsChanged = "settings-changed";
    public const string Reauthenticated = "reauthenticated";
    public const string VaultRevealed = "vault-revealed";
    public const string VaultCopied = "vault-copied";
    public const string Offboarding = "offboarding";
}

/// <summary>
/// Adds an entry to the activity log <em>on the caller's unit of work</em>: it is saved by the
/// same SaveChanges as the change it describes, so there is no change without its entry.
/// </summary>
public sealed class ActivityLog(CrmDb db, TimeProvider clock, IHttpContextAccessor http)
{
    public void Record(Actor actor, string kind, string summary, Guid? subjectUserId = null) =>
        db.ActivityLog.Add(new ActivityEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Kind = kind,
            ActorUserId = actor.UserId,
            ActorName = Bound(actor.DisplayName, 200),
            SubjectUserId = subjectUserId,
            Summary = Bound(summary, 1000),
            IpAddress = actor.IpAddress,
            UserAgent = actor.UserAgent,
            RequestId = http.HttpContext?.TraceIdentifier is { } request ? Bound(request, 100) : null,
        });

    private static string Bound(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
