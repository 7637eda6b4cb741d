using Crm.Web.Features.Account;

namespace Crm.Web.Security;

public enum ActorKind
{
    User,
    ApiToken,
    Automation,
    System,
}

/// <summary>
/// Who is calling, resolved once per request (or named explicitly by a background job) and passed
/// to every use case. Use cases decide permissions from this, never from ambient state. It is
/// built from the database on every request, so a changed flag bites on the very next one.
/// </summary>
public sealed record Actor(ActorKind Kind, Guid? UserId, bool IsAdministrator, string DisplayName)
{
    public static readonly Actor System = new(ActorKind.System, null, true, "System");

    public static Actor For(SignedInUser user) => new(ActorKind.User, user.UserId, user.IsAdministrator, user.DisplayName);
}

public static class ActorHttpExtensions
{
    /// <summary>The signed-in caller; only valid behind authorization (the session check sets it).</summary>
    public static Actor Actor(this HttpContext http) =>
        http.Features.Get<SignedInUser>() is { } user
            ? Security.Actor.For(user)
            : throw new InvalidOperationException("No signed-in user: this code must run behind authorization.");

    public static SignedInUser? SignedIn(this HttpContext http) => http.Features.Get<SignedInUser>();
}
