using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Crm.Web.Web;

/// <summary>
/// A malformed request is the caller's mistake, never a 500: a body in a character set other than
/// UTF-8 (JSON must be UTF-8, and the framework's readers throw on some encodings, UTF-7 among
/// them) is refused with 415 before any endpoint reads it, and a body the framework finds
/// truncated, too large or unreadable while binding answers with the status it names (400, 413),
/// as problem details under <c>/api</c>.
/// </summary>
public static class MalformedRequests
{
    public static IApplicationBuilder UseMalformedRequestAnswers(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentType is { Length: > 0 } contentType)
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var type))
            {
                await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "The Content-Type header is not a media type.");
                return;
            }

            if (type.Charset.HasValue && !IsUtf8(HeaderUtilities.RemoveQuotes(type.Charset).Value))
            {
                await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, "Send the body in UTF-8 (charset=utf-8) or without a charset.");
                return;
            }
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Thrown by the server or the framework's body readers (a body over the limit, a
            // truncated form): the status says which.
            await RefuseAsync(context, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is too large." : "The request body could not be read.");
        }
    });

    /// <summary>The body size a request may have unless its endpoint declares its own (uploads do): <c>Crm:MaxRequestBodyBytes</c>.</summary>
    public const long DefaultMaxBodyBytes = 8L * 1024 * 1024;

    /// <summary>
    /// A body over <c>Crm:MaxRequestBodyBytes</c> is refused with 413 before anything reads it, as
    /// problem details under <c>/api</c>. The server is told the endpoint's limit (its
    /// <see cref="IRequestSizeLimitMetadata"/>, else that setting), so a chunked body that grows past
    /// it ends in the same 413 (through <see cref="UseMalformedRequestAnswers"/>). After routing: the
    /// limit is the endpoint's.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app)
    {
        var configured = app.ApplicationServices.GetRequiredService<IConfiguration>().GetValue<long?>("Crm:MaxRequestBodyBytes");
        var fallback = configured is > 0 ? configured.Value : DefaultMaxBodyBytes;
        return app.Use(async (context, next) =>
        {
            var declared = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
            var limit = declared is null ? fallback : declared.MaxRequestBodySize;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            {
                server.MaxRequestBodySize = limit;
            }

            // An endpoint with its own limit (an upload) reads its body itself and says in its own words
            // that a file is too large; the server still ends a body past that limit with 413.
            if (declared is null && limit is { } max && context.Request.ContentLength > max)
            {
                await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
                return;
            }

            await next(context);
        });
    }

    private static bool IsUtf8(string? charset) =>
        charset is not null && (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase));

    private static async Task RefuseAsync(HttpContext context, int status, string title)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: status, title: title).ExecuteAsync(context);
        }

        // Pages: no body is written, so the status-code page re-executes and explains the status.
    }
}
