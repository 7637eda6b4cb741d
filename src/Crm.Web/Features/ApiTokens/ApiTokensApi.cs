using Crm.Web.Security;

namespace Crm.Web.Features.ApiTokens;

/// <summary>The token endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
public static class ApiTokensApi
{
    public static RouteGroupBuilder MapApiTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("API tokens").RequireAuthorization(Policies.Administrator);

        tokens.MapGet("", async (HttpContext http, ListApiTokens list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListApiTokens")
            .WithSummary("Every API token with its user, status, last use and use count; never a secret.");

        tokens.MapPost("", async (HttpContext http, CreateApiTokenRequest body, CreateApiToken create, CancellationToken cancellationToken) =>
                (await create.RunAsync(http.Actor(), new CreateApiTokenInput(body.Name, body.UserId, body.ExpiresInDays, body.AcknowledgeFullAccess, body.Scopes, body.CurrentPassword), cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateApiToken")
            .WithSummary("Issues a named token acting as an active user. The answer holds the token's full text, once: it is not stored.");

        tokens.MapDelete("/{id:guid}", async (HttpContext http, Guid id, RevokeApiToken revoke, CancellationToken cancellationToken) =>
                (await revoke.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("RevokeApiToken")
            .WithSummary("Revokes a token: its next request is refused. Revoking a revoked token changes nothing.");

        tokens.MapPost("/revoke-all", async (HttpContext http, RevokeAllApiTokensRequest body, RevokeUsersApiTokens revokeAll, CancellationToken cancellationToken) =>
                (await revokeAll.RunAsync(http.Actor(), body.UserId, cancellationToken)).ToHttp())
            .WithName("RevokeUsersApiTokens")
            .WithSummary("Revokes every live token acting as the user; answers the tokens revoked (none if there were none).");

        return api;
    }

    /// <param name="UserId">The user whose tokens are all revoked.</param>
    public sealed record RevokeAllApiTokensRequest(Guid? UserId);

    /// <param name="Name">The system and the purpose, like "Make.com - Leads sync"; unique among active tokens; at most 100 characters.</param>
    /// <param name="UserId">The active user the token acts as: a dedicated integration user, ideally.</param>
    /// <param name="ExpiresInDays">1 to 3650 days; null for a token that does not expire.</param>
    /// <param name="AcknowledgeFullAccess">Required to bind an unscoped token to an administrator, whose permissions are not checked.</param>
    /// <param name="Scopes">Limits the token to these modules and actions, like {"leads": ["view", "create"]}; what it may is what both its scopes and its user's permissions allow. Left out: all of its user's permissions.</param>
    /// <param name="CurrentPassword">The caller's own password, needed when they signed in more than 10 minutes ago (creating a token needs a fresh sign-in; an API token cannot create one).</param>
    public sealed record CreateApiTokenRequest(string? Name, Guid? UserId, int? ExpiresInDays, bool AcknowledgeFullAccess = false,
        Dictionary<string, IReadOnlyList<string>?>? Scopes = null, string? CurrentPassword = null);
}
