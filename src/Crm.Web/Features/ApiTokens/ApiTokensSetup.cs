using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.ApiTokens;

public sealed class ApiTokensSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapApiTokensApi();

    /// <summary>
    /// The token use cases, the <see cref="ApiTokenAuthentication"/> scheme, and the default
    /// scheme that picks it for requests carrying a Bearer header (the session cookie otherwise).
    /// </summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<ApiErrorRateHealth>();
        services.AddHealthIndicator<UnusedApiTokensHealth>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddPolicyScheme(ApiTokenAuthentication.CookieOrTokenScheme, "Session cookie or API token", o =>
                o.ForwardDefaultSelector = http => ApiTokenAuthentication.CarriesBearer(http.Request)
                    ? ApiTokenAuthentication.SchemeName
                    : IdentityConstants.ApplicationScheme);

        // Post-configured so that it wins over AddAccounts' cookie default whatever the order of the
        // two calls; without this feature the cookie is the default again.
        services.PostConfigure<AuthenticationOptions>(o => o.DefaultScheme = ApiTokenAuthentication.CookieOrTokenScheme);

        services.AddScoped<CreateApiToken>();
        services.AddScoped<ListApiTokens>();
        services.AddScoped<RevokeApiToken>();
        services.AddScoped<RevokeUsersApiTokens>();
        services.AddScoped<ListTokenUsers>();

        // Use is counted in memory and written in batches (ADR 0028), not once per request.
        services.AddOptions<ApiTokenUsageOptions>().BindConfiguration("ApiTokens");
        services.AddSingleton<ApiTokenUsage>();
        services.AddHostedService<ApiTokenUsageWriter>();
        services.AddRecurringJob<PruneApiTokenUsage>(PruneApiTokenUsage.JobName,
            "Removes API tokens' daily figures older than 90 days.", TimeSpan.FromHours(6));

        services.AddSection(new Section(
            "API tokens",
            "Named tokens for integrations: who each acts as, when it was last used, revoke.",
            "/admin/tokens",
            500,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
        services.AddHelpTopic(s_errorsHelp);
    }

    /// <summary>What each problem details <c>type</c> means: the page the types point to (Web/ProblemTypes).</summary>
    private static readonly HelpTopic s_errorsHelp = new(ProblemTypes.HelpPath["/help/".Length..], "API errors",
    [
        "Every error of the API under /api/v1 is answered as problem details (RFC 9457, Content-Type application/problem+json): status, title, often detail, and a type that names the kind of error and never changes. Program against the type, not the title (titles are sentences for people and may be reworded).",
        .. ProblemTypes.All.Select(t => $"{t.Uri}{(t.Status > 0 ? $" ({t.Status})" : "")}: {t.Meaning}"),
    ]);

    private static readonly HelpTopic s_help = new("api-tokens", "API tokens",
    [
        "An API token lets another system (an automation platform, a website form, an accounting package) use the CRM's REST API under /api/v1. It sends the token in every request as the header Authorization: Bearer crm_… and acts as the user the token is bound to, with exactly that user's permissions.",
        "Create one token per integration and name it after the system and the purpose, like \"Make.com - Leads sync\", so you know what stops when you revoke it. Two active tokens cannot share a name.",
        "Bind each token to a dedicated integration user with a limited role, not to your own account. Binding a token to an administrator is refused unless you confirm it: an administrator's permissions are not checked, so a leaked token would open everything.",
        "Limit a token to what the integration needs by ticking its scopes: modules and actions, like \"Leads: view, create\" for a website form. The token may only what both its scopes and its user allow; a scope never adds to the user's permissions. A token without scopes may everything its user may. A scoped token never reaches the administration (users, roles, tokens), even if its user is an administrator. The permission explainer, given the token, tells you when a scope is what refuses.",
        "Each token may make a limited number of requests a minute (600 unless the operator changed ApiTokens:RequestsPerMinute). Beyond that the CRM answers 429 Too Many Requests with a Retry-After header saying how many seconds to wait; other tokens are not affected.",
        "An integration that creates records should send an Idempotency-Key header (a new UUID for each create) with each POST: if its connection drops before the answer arrives, it sends the same request with the same key and the CRM answers with the first answer instead of creating a second record. Keys are remembered 24 hours, per token.",
        "Custom fields travel with the records: each record's GET, and each item of a module's list, has a customFields object (the fields the token's user may see, by key); creates and updates take one. Lists and exports filter with cf.key=value and sort with sort=cf.key (or -cf.key). The keys are listed by GET /api/v1/custom-fields?module=…, and the OpenAPI document at /api/v1/openapi.json describes all of this for generated clients.",
        "Creating a token is a sensitive action: if you signed in more than 10 minutes ago, the form asks for your password again (the API takes it as currentPassword). An API token cannot create tokens.",
        "The token is shown once, right after you create it. Copy it then and hand it over through a secure channel; the CRM keeps only a fingerprint of it and cannot show it again. If it is lost, revoke it and create a new one.",
        "A token may expire after a number of days. Revoking takes effect on the next request. Deactivating the user a token acts as stops all of that user's tokens at once: when someone who owned integrations leaves, find their tokens in the list, revoke them (\"Revoke all of this user's tokens\" does it at once, and logs each), and create new ones for the integrations that must go on.",
        "The list shows when each token was last used, how often in all, and its requests and errors (answers of 400 and above) over the last 30 days. Review it every quarter: tokens unused for six months are marked, and are best revoked; a token marked for unusually high use made more than ten times its usual daily number of requests yesterday or today (its median day of the 30 before, and at least 100), which may be a runaway integration or a leaked token. The figures are written every few seconds, so the last requests may take a moment to show; each day's figures are kept 90 days.",
    ], AdministratorsOnly: true);
}
