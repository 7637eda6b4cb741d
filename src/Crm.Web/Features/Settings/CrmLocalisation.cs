using Crm.Web.Security;
using Microsoft.AspNetCore.Localization;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The request's language: the signed-in person's own choice, else the organisation's default,
/// else English. Number parsing stays invariant ("en" culture) so forms bind the same in every
/// language; pages show dates and numbers through <see cref="Formats"/>.
/// </summary>
public static class CrmLocalisation
{
    public static IApplicationBuilder UseCrmLocalisation(this IApplicationBuilder app)
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Formats.DefaultLanguage),
            SupportedCultures = [new("en")],
            SupportedUICultures = [.. Formats.Languages.Select(l => new System.Globalization.CultureInfo(l))],
            RequestCultureProviders = [new SettingsCultureProvider()],
        };
        return app.UseRequestLocalization(options);
    }

    private sealed class SettingsCultureProvider : RequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            // Health probes, images and the API (English JSON, ISO instants) speak no language: spare them the database.
            if (httpContext.Request.Path.StartsWithSegments("/health") || httpContext.Request.Path.StartsWithSegments("/branding")
                || httpContext.Request.Path.StartsWithSegments("/api"))
            {
                return null;
            }

            var formats = httpContext.RequestServices.GetRequiredService<Formats>();
            await formats.LoadAsync(httpContext.SignedIn()?.UserId, httpContext.RequestAborted);
            return new ProviderCultureResult("en", formats.Language);
        }
    }
}
