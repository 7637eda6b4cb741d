using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Web.Web;

/// <summary>One kind of API error: its stable <c>type</c> URI, the status it comes with, and what it means.</summary>
public sealed record ProblemType(string Name, int Status, string Meaning)
{
    /// <summary>The <c>type</c> member of the problem details (RFC 9457): a relative URI that opens the API errors help page at this kind.</summary>
    public string Uri => ProblemTypes.HelpPath + "#" + Name;
}

/// <summary>
/// The stable <c>type</c> of every API error. Set in one place (<see cref="Apply"/>, the problem
/// details customisation every <c>Results.Problem</c> and <c>Results.ValidationProblem</c> goes
/// through) from the status and, for 400, whether field messages are given; the few kinds a
/// status does not tell apart pass their type explicitly (<see cref="IdempotencyKeyReused"/>,
/// <see cref="IdempotencyKeyInFlight"/>). The list is the help page "API errors" and part of the
/// OpenAPI document.
/// </summary>
public static class ProblemTypes
{
    public const string HelpPath = "/help/api-errors";

    public static readonly ProblemType Validation = new("validation", 400,
        "Some fields need attention: errors names each field (as the API spells it) with its messages. Fix them and send again.");
    public static readonly ProblemType MalformedRequest = new("malformed-request", 400,
        "The request could not be read: a body that is not JSON, a value of the wrong kind where no field can be named, a query parameter out of range. Nothing was changed.");
    public static readonly ProblemType Unauthenticated = new("unauthenticated", 401,
        "No API token (or session), or one that is unknown, revoked, expired or belongs to a deactivated user. The WWW-Authenticate header says which.");
    public static readonly ProblemType Forbidden = new("forbidden", 403,
        "The caller is known but may not do this: its user's permissions, the token's scopes, a read-only preview, or a password change or second factor still due.");
    public static readonly ProblemType NotFound = new("not-found", 404,
        "No such record or address, or one the caller may not see (the two are not told apart).");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405,
        "The address exists but not with this HTTP method.");
    public static readonly ProblemType Conflict = new("conflict", 409,
        "The request contradicts the current state: the record changed since it was read (send the current version), a name already taken, the last administrator, a full licence. The title says which.");
    public static readonly ProblemType IdempotencyKeyInFlight = new("idempotency-key-in-flight", 409,
        "The first request with this Idempotency-Key is still running (wait, then send again to get its answer) or never finished (check, then use a new key).");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413,
        "The body is larger than this endpoint accepts.");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415,
        "The body is not sent as JSON in UTF-8 (Content-Type: application/json), or as what the endpoint takes.");
    public static readonly ProblemType IdempotencyKeyReused = new("idempotency-key-reused", 422,
        "This Idempotency-Key was used in the last 24 hours for a different request (method, path or body). Use a new key for a new request.");
    public static readonly ProblemType RateLimited = new("rate-limited", 429,
        "Too many requests with this token in the last minute; the Retry-After header says how many seconds to wait.");
    public static readonly ProblemType ServerError = new("server-error", 500,
        "An unexpected error on the server; it is logged with the request id. Nothing is known to have been changed; retrying may help.");
    public static readonly ProblemType Unavailable = new("unavailable", 503,
        "The server cannot answer now (starting, stopping or its database unreachable). Retry later.");
    public static readonly ProblemType OtherError = new("error", 0,
        "Any other error status; the title and detail explain it.");

    public static readonly IReadOnlyList<ProblemType> All =
    [
        Validation, MalformedRequest, Unauthenticated, Forbidden, NotFound, MethodNotAllowed, Conflict, IdempotencyKeyInFlight,
        PayloadTooLarge, UnsupportedMediaType, IdempotencyKeyReused, RateLimited, ServerError, Unavailable, OtherError,
    ];

    /// <summary>The kind an error of this status is when nothing more specific was said.</summary>
    public static ProblemType ForStatus(int status, bool hasFieldErrors) => status switch
    {
        400 => hasFieldErrors ? Validation : MalformedRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => IdempotencyKeyReused,
        429 => RateLimited,
        503 => Unavailable,
        >= 500 => ServerError,
        _ => OtherError,
    };

    /// <summary>Gives a problem without a type of ours the type of its kind (the framework's default is a link to the status's RFC section).</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type is { } given && given.StartsWith(HelpPath, StringComparison.Ordinal))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Type = ForStatus(status, problem is HttpValidationProblemDetails { Errors.Count: > 0 }).Uri;
    }

    /// <summary><c>Results.Problem</c> with the type of <paramref name="kind"/>.</summary>
    public static ProblemHttpResult Problem(ProblemType kind, string title, string? detail = null) =>
        TypedResults.Problem(statusCode: kind.Status, title: title, detail: detail, type: kind.Uri);
}
