using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Crm.Web.Features.Health;

/// <summary>
/// Counts and times every request for <c>/metrics</c>. Added as a startup filter, so it wraps the
/// whole pipeline from the feature's own folder. The route is the endpoint's template, never the
/// path, so record ids do not multiply the series; and it is the endpoint routing chose first, so a
/// refusal that the error page re-renders still counts under the route that was asked for.
/// </summary>
public sealed class RequestMetrics(CrmMetrics metrics) : IStartupFilter
{
    public const string Unmatched = "(unmatched)";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var started = Stopwatch.GetTimestamp();
            var endpoint = new FirstEndpoint();
            context.Features.Set<IEndpointFeature>(endpoint);
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                metrics.ObserveRequest(context.Request.Method, RouteOf(endpoint.First), context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });
        next(app);
    };

    public static string RouteOf(Endpoint? endpoint)
    {
        if (endpoint is not RouteEndpoint { RoutePattern.RawText: { } template })
        {
            return Unmatched;
        }

        var route = "/" + template.Trim('/');
        return route;
    }

    /// <summary>Routing sets the request's endpoint through this feature; the error pages' re-execution clears and replaces it, the first one stays.</summary>
    private sealed class FirstEndpoint : IEndpointFeature
    {
        private Endpoint? _endpoint;

        public Endpoint? First { get; private set; }

        public Endpoint? Endpoint
        {
            get => _endpoint;
            set
            {
                _endpoint = value;
                First ??= value;
            }
        }
    }
}
