using System.Net;
using System.Threading.RateLimiting;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.IdempotencyKeys;
using Crm.Web.Features.Settings;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Crm.Web.Web;

public static class WebSetup
{
    /// <summary>Razor Pages rooted at <c>Features/</c>, default-deny authorization, antiforgery, proxies, rate limits.</summary>
    public static IServiceCollection AddCrmWeb(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            // Every page requires a signed-in user unless its model says [AllowAnonymous].
            o.Conventions.AuthorizeFolder("/");
            // The administration area (/admin/...): administrators only, whatever a page's model says.
            o.Conventions.Add(new AdministrationPages());
            o.Conventions.ConfigureFilter(new UnknownPageHandlers());
        });

        services.AddAuthorization(o =>
        {
            // Anything mapped without its own policy still requires a signed-in user: default deny.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            o.AddCrmPolicies();
        });

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "crm.antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-TOKEN";
        });

        // Every API error carries a stable type of its kind (Web/ProblemTypes, ADR 0039).
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemTypes.Apply);
        // Enums travel as their names ("Department", "PublicRead"), readable in both directions.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        // A body the API cannot bind is thrown, so UseMalformedRequestAnswers can name the field of a
        // value of the wrong type instead of the framework's 400 without a reason.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1", o =>
        {
            var description = new OpenApiDescription();
            o.AddDocumentTransformer(description);
            o.AddOperationTransformer(description);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<PeopleAtWork>();
        services.AddScoped<AvailableSections>();
        services.AddHttpClient();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in configuration.GetSection("ReverseProxy:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            var attemptsPerMinute = configuration.GetValue("Security:SignInAttemptsPerMinutePerIp", 30);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Credential-guessing forms are limited per client address; everything else is not.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HttpMethods.IsPost(http.Request.Method) && IsCredentialForm(http.Request.Path)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = attemptsPerMinute, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter("unlimited"));
        });

        return services;
    }

    private static bool IsCredentialForm(PathString path) =>
        path.StartsWithSegments("/account/sign-in") || path.StartsWithSegments("/account/second-step") || path.StartsWithSegments("/account/forgot-password")
        || path.StartsWithSegments("/account/reset-password") || path.StartsWithSegments("/account/set-password");

    /// <summary>
    /// A missing stylesheet or script is a 404 for everyone, not a redirect to sign-in, so a
    /// broken asset shows up as what it is.
    /// </summary>
    private static IApplicationBuilder UseMissingStaticFilesAsNotFound(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/lib") || path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/images"))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(context);
    });

    /// <summary>The request pipeline, in the order each step needs the previous one.</summary>
    public static WebApplication UseCrmPipeline(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("ReverseProxy:Enabled"))
        {
            app.UseForwardedHeaders();
        }

        // First: a request counts for as long as it takes, its error page included (ADR 0057).
        PeopleAtWork.Count(app);
        app.UseExceptionHandler("/error/500");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseSecurityHeaders();
        app.UseRequestLogging();
        app.UseMalformedRequestAnswers();
        app.UseStaticFiles();
        app.UseMissingStaticFilesAsNotFound();
        app.UseRouting();
        app.UseRequestBodyLimits();
        app.UseNulTextRefusal();
        app.UseRateLimiter();
        app.UseAuthentication();
        // After authentication: the limit is per API token, known only once the token is checked.
        app.UseApiTokenRateLimit();
        app.UseCrmLocalisation();
        app.UsePasswordChangeGate();
        app.UseSecondFactorGate();
        app.UsePreviewGate();
        app.UseAuthorization();
        // After authorization: a request refused at the door never uses up its Idempotency-Key.
        app.UseIdempotencyKeys();
        return app;
    }
}
