using System.Diagnostics;

namespace Crm.Web.Web;

/// <summary>
/// One structured line per request: method, path, status, duration, request id. Never the query
/// string: links carry tokens there (password reset), and a log is no place for them. The
/// framework's own request lines, which do print query strings, are turned down in appsettings.
/// </summary>
public static partial class RequestLogging
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Crm.Requests");
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var path = context.Request.PathBase + context.Request.Path;
            if (!path.StartsWithSegments("/health"))
            {
                LogRequest(log, context.Request.Method, path.ToString(), context.Response.StatusCode, Math.Round(elapsed, 1), context.TraceIdentifier);
            }
        }
    });

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs} ms (request {RequestId})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs, string requestId);
}
