using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.ApiTokens;

/// <summary>A token to issue; <c>Scopes</c> maps module keys to the actions the token is limited to (null or empty: all of its user's permissions).</summary>
public sealed record CreateApiTokenInput(string? Name, Guid? UserId, int? ExpiresInDays, bool AcknowledgeFullAccess,
    IReadOnlyDictionary<string, IReadOnlyList<string>?>? Scopes = null, string? CurrentPassword = null);

/// <summary>The one answer that carries the token's full text: it is not stored and cannot be shown again.</summary>
public sealed record CreatedApiToken(Guid Id, string Name, string Prefix, string Token, Guid UserId, DateTime CreatedAt, DateTime? ExpiresAt,
    IReadOnlyDictionary<string, IReadOnlySet<string>>? Scopes);

/// <summary>
/// An administrator issues a named token for an integration, bound to an active user whose
/// permissions it will have. Binding to an administrator needs an explicit acknowledgement:
/// a leaked administrator token opens everything, unchecked. A sensitive action: it needs a fresh
/// sign-in (<see cref="FreshSignIn"/>), so a token cannot mint tokens.
/// </summary>
public sealed class CreateApiToken(CrmDb db, ActivityLog activity, PermissionCatalog catalog, TimeProvider clock, FreshSignIn freshSignIn)
{
    public const int NameMaxLength = 100;
    public const int MaxExpiryDays = 3650;

    public static readonly string ExpiryMessage =
        $"Expiry must be a whole number of days from 1 to {MaxExpiryDays}, or empty for a token that does not expire.";

    public async Task<Result<CreatedApiToken>> RunAsync(Actor actor, CreateApiTokenInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<CreatedApiToken>.Forbidden("Only an administrator can create API tokens.");
        }

        if (await freshSignIn.RequireAsync(input.CurrentPassword, cancellationToken) is { } stale)
        {
            return stale.Map<CreatedApiToken>();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var name = input.Name?.Trim();
        var errors = new FieldErrors().Text("name", "Name", name, NameMaxLength);
        if (!string.IsNullOrEmpty(name) && name.Any(char.IsControl))
        {
            errors.Add("name", "Name must be a single line of text.");
        }

        if (input.ExpiresInDays is { } days && days is < 1 or > MaxExpiryDays)
        {
            errors.Add("expiresInDays", ExpiryMessage);
        }

        var (scopes, scopeErrors) = Security.Permissions.TokenScopes.Parse(input.Scopes, catalog);
        foreach (var message in scopeErrors)
        {
            errors.Add("scopes", message);
        }

        if (scopes?.ToStored().Length > ApiToken.ScopesMaxLength)
        {
            errors.Add("scopes", "Too many scopes to store: leave the token unscoped, or choose fewer modules.");
        }

        if (input.UserId is null)
        {
            errors.Add("userId", "Choose the user the token acts as.");
        }

        var user = input.UserId is { } userId
            ? await db.Users.Where(u => u.Id == userId)
                .Select(u => new { u.Id, u.Email, u.IsActive, u.IsAdministrator })
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        if (input.UserId is not null && (user is null || !user.IsActive))
        {
            errors.Add("userId", "Choose an active user: a token acting as a deactivated user would be refused.");
        }

        // Scopes bound an administrator's token like any other, so only an unscoped one needs the acknowledgement.
        if (user is { IsActive: true, IsAdministrator: true } && scopes is null && !input.AcknowledgeFullAccess)
        {
            errors.Add("acknowledgeFullAccess",
                "This user is an administrator, so the token would have full access with no permission checks. " +
                "Bind integrations to a dedicated staff user, or confirm that you understand this token will have full access.");
        }

        if (!errors.Any && await NameIsTakenAsync(name!, now, cancellationToken))
        {
            errors.Add("name", $"An active token is already named \"{name}\". Give each integration its own name, like \"Make.com - Leads sync\".");
        }

        if (errors.Any)
        {
            return Result<CreatedApiToken>.Invalid(errors);
        }

        var issued = ApiTokenFormat.Issue();
        // 32^8 prefixes make a clash vanishingly rare; the unique index would still refuse one.
        while (await db.ApiTokens.AnyAsync(t => t.Prefix == issued.Prefix, cancellationToken))
        {
            issued = ApiTokenFormat.Issue();
        }

        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            Name = name!,
            UserId = user!.Id,
            Prefix = issued.Prefix,
            SecretHash = issued.SecretHash,
            Scopes = scopes?.ToStored(),
            CreatedAt = now,
            CreatedByUserId = actor.UserId,
            ExpiresAt = input.ExpiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(token);
        activity.Record(actor, ActivityKinds.TokenCreated, Describe(token, user.Email, user.IsAdministrator, scopes), user.Id);
        await db.SaveChangesAsync(cancellationToken);

        return Result<CreatedApiToken>.Ok(new CreatedApiToken(token.Id, token.Name, token.Prefix, issued.Token, token.UserId, token.CreatedAt, token.ExpiresAt, scopes?.Actions));
    }

    private Task<bool> NameIsTakenAsync(string name, DateTime now, CancellationToken cancellationToken)
    {
        // Only live tokens block a name, so a replacement can take over the name of the one it replaces.
        var lowered = name.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // ToLower() is translated to SQL lower(); culture overloads are not.
        return db.ApiTokens.AnyAsync(
            t => t.Name.ToLower() == lowered && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now),
            cancellationToken);
#pragma warning restore CA1304, CA1311, CA1862
    }

    private static string Describe(ApiToken token, string? userEmail, bool userIsAdministrator, TokenScopes? scopes)
    {
        var expiry = token.ExpiresAt is { } at ? "expires " + at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "no expiry";
        var access = scopes is not null ? $"; limited to {scopes.Describe()}"
            : userIsAdministrator ? "; the user is an administrator (full access acknowledged)" : "";
        return $"Created API token \"{token.Name}\" (crm_{token.Prefix}_…) acting as {userEmail}; {expiry}{access}.";
    }
}
