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

    /// <summary>Where the call came from, for the activity log.</summary>
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>Set while an administrator previews the CRM as this user: every write is refused.</summary>
    public bool IsPreview { get; init; }

    /// <summary>Set for an API token limited to some modules and actions; <see cref="Permissions.Access"/> hands them to the engine.</summary>
    public Permissions.TokenScopes? TokenScopes { get; init; }

    /// <summary>The API token's name, when the caller is one.</summary>
    public string? TokenName { get; init; }

    public static Actor For(SignedInUser user, HttpContext? http = null) =>
        new(user.ApiTokenName is null ? ActorKind.User : ActorKind.ApiToken, user.UserId, user.IsAdministrator,
            user.ApiTokenName is null ? user.DisplayName : $"{user.DisplayName} (API token '{user.ApiTokenName}')")
        {
            IsPreview = user.PreviewedBy is not null,
            TokenScopes = user.ApiTokenScopes,
            TokenName = user.ApiTokenName,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http is null ? null : Truncate(http.Request.Headers.UserAgent.ToString(), 512),
        };

    private static string? Truncate(string value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];
}

public static class ActorHttpExtensions
{
    /// <summary>The signed-in caller; only valid behind authorization (the session check sets it).</summary>
    public static Actor Actor(this HttpContext http) =>
        http.Features.Get<SignedInUser>() is { } user
            ? Security.Actor.For(user, http)
            : throw new InvalidOperationException("No signed-in user: this code must run behind authorization.");

    public static SignedInUser? SignedIn(this HttpContext http) => http.Features.Get<SignedInUser>();
}
