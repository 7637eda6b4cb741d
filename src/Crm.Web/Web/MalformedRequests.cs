using System.Text.Json;
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
        catch (BadHttpRequestException e) when (!context.Response.HasStarted && e.InnerException is JsonException { InnerException: not JsonException } json)
        {
            // A JSON body with a value of the wrong type (a word for a number, an object for a text):
            // a field error, as the PATCH bodies give it. (A syntax error's inner exception is the reader's.)
            context.Response.Clear();
            await Results.ValidationProblem(new Dictionary<string, string[]> { [PatchBody.FieldOf(json.Path)] = ["This value has the wrong type."] },
                title: "Some fields need attention.").ExecuteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted && e.TargetSite?.DeclaringType is { } thrower
            && (thrower.Namespace == "Microsoft.AspNetCore.Http.Generated"
                || thrower.FullName?.StartsWith("Microsoft.AspNetCore.Http.RequestDelegateFactory", StringComparison.Ordinal) == true))
        {
            // Any other failure of an API's binding, by the build-time generated delegates or the
            // runtime factory (thrown only so the case above can be told):
            // the status alone, which the error page explains, as before it was thrown.
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Thrown by the server or the framework's body readers (a body over the limit, a
            // truncated form): the status says which.
            await RefuseAsync(context, e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is too large." : "The request body could not be read.");
        }
    });

    /// <summary>
    /// A JSON body of an API write with a NUL character in a text is refused as an error of that
    /// field: PostgreSQL cannot store one (the save would end in a 500) and SQLite would keep what no
    /// form can send (the framework's form reader refuses it). JSON must escape a NUL, so only a body
    /// holding "\u0000" is parsed. After <see cref="UseRequestBodyLimits"/>: the buffered body is within the limit.
    /// </summary>
    public static IApplicationBuilder UseNulTextRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsDelete(request.Method)
            && MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Value?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var buffer = await BufferBodyAsync(context);
            if (NulTextField(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } field)
            {
                await Results.ValidationProblem(new Dictionary<string, string[]> { [field] = ["Text cannot contain a NUL character."] },
                    title: "Some fields need attention.").ExecuteAsync(context);
                return;
            }
        }
        else if (!request.Path.StartsWithSegments("/api") && HttpMethods.IsPost(request.Method)
            && MediaTypeHeaderValue.TryParse(request.ContentType, out var form) && form.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            // A page form: the framework's form reader refuses a NUL, and the page then answered as if
            // it had no such handler (404). Said plainly instead, naming the field. No browser sends
            // one from a text box; a script or a paste of binary data may.
            var buffer = await BufferBodyAsync(context);
            if (NulFormField(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } field)
            {
                context.Items[RefusalExplanation] = $"The field {field} holds a NUL character, which no text may contain. Go back, remove it and send the form again.";
                // The error page runs for this same request: it must not meet the unreadable form again.
                request.Body = Stream.Null;
                request.ContentType = null;
                request.ContentLength = 0;
                await RefuseAsync(context, StatusCodes.Status400BadRequest, "A field holds a NUL character.");
                return;
            }
        }

        await next(context);
    });

    /// <summary>
    /// Reads the body once into memory, which the endpoint then reads in place of the request's
    /// stream (EnableBuffering would keep a second copy of the same bytes).
    /// </summary>
    private static async Task<MemoryStream> BufferBodyAsync(HttpContext context)
    {
        var buffer = new MemoryStream();
        context.Response.RegisterForDispose(buffer);
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        buffer.Position = 0;
        context.Request.Body = buffer;
        return buffer;
    }

    /// <summary>Where a refusal leaves a better explanation than its status code's for the error page.</summary>
    public const string RefusalExplanation = "crm:refusal-explanation";

    /// <summary>The name of the first field of a URL-encoded form whose value holds a NUL (%00), or null.</summary>
    private static string? NulFormField(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("%00"u8) < 0)
        {
            return null;
        }

        foreach (var pair in System.Text.Encoding.UTF8.GetString(body).Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(equals).Contains("%00", StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(pair[..equals].Replace('+', ' '));
            }
        }

        return null;
    }

    /// <summary>The field (camelCase) of the first text holding a NUL character, or null.</summary>
    private static string? NulTextField(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("\\u0000"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(body);
        var property = "";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString() ?? "";
                }
                else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return property.Length == 0 ? "" : char.ToLowerInvariant(property[0]) + property[1..];
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: binding says so in its own words.
        }

        return null;
    }

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
