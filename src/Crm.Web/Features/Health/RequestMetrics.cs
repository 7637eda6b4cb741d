using System.Diagnostics;

namespace Crm.Web.Features.Health;

/// <summary>
/// Counts and times every request for <c>/metrics</c>. Added as a startup filter, so it wraps the
/// whole pipeline from the feature's own folder; the route is read after the request (routing has
/// run by then): the endpoint's template, never the path, so record ids do not multiply the series.
/// </summary>
public sealed class RequestMetrics(CrmMetrics metrics) : IStartupFilter
{
    public const string Unmatched = "(unmatched)";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                var route = context.GetEndpoint() is RouteEndpoint endpoint ? "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/') : Unmatched;
                metrics.ObserveRequest(context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });
        next(app);
    };
}
