using System.Security.Cryptography;
using System.Text;
using Crm.Web.Data;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.IdempotencyKeys;

/// <summary>
/// <c>Idempotency-Key</c> on the API's POSTs (ADR 0033): an integration that lost the answer to a
/// create can send it again with the same key and gets the first answer back instead of a second
/// record. The key is the caller's (an API token, or a user for a session): another caller's use
/// of the same key is unrelated. Within 24 hours, for a caller and a key:
/// <list type="bullet">
/// <item>a request that created something (201) is answered again, word for word, with
/// <c>Idempotent-Replayed: true</c>, and not run;</item>
/// <item>the same key with another method, path or body is a 422;</item>
/// <item>while the first request runs, a second one with the key is a 409;</item>
/// <item>any other answer (a refusal, a validation error, a failure) is not kept: the key is free
/// again, and a corrected retry runs.</item>
/// </list>
/// The key is remembered in its own row, written before the request runs and completed after it,
/// so it is not in the same transaction as the change: a process that stops in between leaves the
/// key "running", and a retry is told the outcome is unknown rather than risk a duplicate.
/// Placed after authorization: a request refused at the door never touches the key.
/// </summary>
public static class IdempotencyKeyMiddleware
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>An answer larger than this is not kept (a create's answer is a few kilobytes).</summary>
    public const int MaxKeptAnswer = 1 << 20;

    /// <summary>A request still marked running after this long is presumed lost with its process.</summary>
    public static readonly TimeSpan PresumedLost = TimeSpan.FromMinutes(10);

    private const string Purpose = "Crm.IdempotencyKeys.Answer";

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.StartsWithSegments("/api/v1")
            || !request.Headers.TryGetValue(Header, out var values) || context.SignedIn() is not { } signedIn)
        {
            await next(context);
            return;
        }

        if (values.Count != 1 || !IsWellFormed(values[0]))
        {
            await Results.ValidationProblem(
                new Dictionary<string, string[]> { [Header] = [$"Send one key of 1 to {MaxKeyLength} visible ASCII characters, such as a new UUID for each create."] },
                title: "The Idempotency-Key header is not usable.").ExecuteAsync(context);
            return;
        }

        var key = values[0]!;
        var caller = context.User.FindFirst(ApiTokenAuthentication.TokenClaim)?.Value is { } token ? $"token:{token}" : $"user:{signedIn.UserId}";
        var fingerprint = await FingerprintAsync(request, context.RequestAborted);
        var clock = context.RequestServices.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow().UtcDateTime;

        // The key's row lives in a scope of its own: the endpoint's CrmDb and its audit capture never see it.
        await using var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var protector = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        if (await ClaimAsync(db, caller, key, fingerprint, now, context.RequestAborted) is { } earlier)
        {
            await AnswerAgainAsync(context, earlier, fingerprint, now, protector);
            return;
        }

        var answer = new MemoryStream();
        var original = context.Response.Body;
        context.Response.Body = answer;
        var kept = false;
        try
        {
            await next(context);
            kept = context.Response.StatusCode == StatusCodes.Status201Created && answer.Length <= MaxKeptAnswer;
            if (kept)
            {
                var body = Convert.ToBase64String(protector.Protect(answer.ToArray()));
                await db.IdempotentRequests.Where(r => r.Caller == caller && r.Key == key).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.CompletedAt, clock.GetUtcNow().UtcDateTime)
                    .SetProperty(r => r.Status, context.Response.StatusCode)
                    .SetProperty(r => r.ContentType, context.Response.ContentType)
                    .SetProperty(r => r.Location, context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null)
                    .SetProperty(r => r.ProtectedBody, body), CancellationToken.None);
            }
        }
        finally
        {
            if (!kept)
            {
                // Not a create, or it failed: the key is free for the corrected retry.
                await db.IdempotentRequests.Where(r => r.Caller == caller && r.Key == key).ExecuteDeleteAsync(CancellationToken.None);
            }

            context.Response.Body = original;
            if (answer.Length > 0 && !context.RequestAborted.IsCancellationRequested)
            {
                answer.Position = 0;
                await answer.CopyToAsync(original, CancellationToken.None);
            }

            await answer.DisposeAsync();
        }
    });

    /// <summary>Visible ASCII only: a key travels in a header and is shown back in messages.</summary>
    public static bool IsWellFormed(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is > ' ' and < '\u007f');

    /// <summary>What the request asks: SHA-256 of its method, path, query and body, in hex.</summary>
    public static string Fingerprint(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var hash = StartFingerprint(method, pathAndQuery);
        hash.AppendData(body);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static IncrementalHash StartFingerprint(string method, string pathAndQuery)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()} {pathAndQuery}\n"));
        return hash;
    }

    /// <summary>
    /// <see cref="Fingerprint"/> of the request, the body hashed as it is read: an API body is
    /// already in memory (<c>UseNulTextRefusal</c> buffered it), so it is not copied a second time.
    /// </summary>
    private static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Body.CanSeek)
        {
            request.EnableBuffering();
        }

        using var hash = StartFingerprint(request.Method, request.Path.Value + request.QueryString.Value);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Marks the key as running for this request; or, if it is already in use, returns that earlier use.</summary>
    private static async Task<IdempotentRequest?> ClaimAsync(CrmDb db, string caller, string key, string fingerprint, DateTime now, CancellationToken cancellationToken)
    {
        var forgottenBefore = now - IdempotentRequest.KeptFor;
        // A use older than 24 hours is forgotten even if the clean-up has not removed it yet.
        await db.IdempotentRequests.Where(r => r.Caller == caller && r.Key == key && r.CreatedAt < forgottenBefore).ExecuteDeleteAsync(cancellationToken);
        if (await db.IdempotentRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Caller == caller && r.Key == key, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        db.IdempotentRequests.Add(new IdempotentRequest { Caller = caller, Key = key, Fingerprint = fingerprint, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            // The same key arrived twice at once and the other request claimed it first.
            db.ChangeTracker.Clear();
            return await db.IdempotentRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Caller == caller && r.Key == key, cancellationToken)
                ?? new IdempotentRequest { Caller = caller, Key = key, Fingerprint = fingerprint, CreatedAt = now };
        }
    }

    private static async Task AnswerAgainAsync(HttpContext context, IdempotentRequest earlier, string fingerprint, DateTime now, IDataProtector protector)
    {
        if (earlier.Fingerprint != fingerprint)
        {
            await ProblemTypes.Problem(ProblemTypes.IdempotencyKeyReused,
                title: "This Idempotency-Key was used for a different request.",
                detail: "A key stands for one request: the same method, path and body. Use a new key for a new request.").ExecuteAsync(context);
            return;
        }

        if (earlier.CompletedAt is null)
        {
            var lost = earlier.CreatedAt < now - PresumedLost;
            if (!lost)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await ProblemTypes.Problem(ProblemTypes.IdempotencyKeyInFlight,
                title: lost ? "The first request with this Idempotency-Key did not finish." : "The first request with this Idempotency-Key is still running.",
                detail: lost
                    ? "The server stopped while it ran, so whether it took effect is unknown. Check whether the record exists; if it does not, send the request again with a new key."
                    : "Wait for its answer, or send this request again in a moment to get the same answer.").ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = earlier.Status ?? StatusCodes.Status201Created;
        context.Response.ContentType = earlier.ContentType;
        if (earlier.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        context.Response.Headers[ReplayedHeader] = "true";
        if (earlier.ProtectedBody is { } body)
        {
            await context.Response.Body.WriteAsync(protector.Unprotect(Convert.FromBase64String(body)), context.RequestAborted);
        }
    }
}
