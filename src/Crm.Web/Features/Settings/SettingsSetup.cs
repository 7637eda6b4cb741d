using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Settings;

public sealed class SettingsSetup : ICrmFeature
{
    /// <summary>The organisation's settings: SMTP, company data and branding, localisation.</summary>
    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapBrandingImages();

    public void AddServices(IServiceCollection services)
    {
        // UI text by its English wording; German in Resources/Web/Ui.de.resx.
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddOptions<SettingsOptions>().BindConfiguration(SettingsOptions.Section);
        services.AddSingleton<EffectiveSmtpSettings>();
        services.AddScoped<OrganisationCalendar>();
        services.AddScoped<ReadSmtpSettings>();
        services.AddScoped<SaveSmtpSettings>();
        services.AddScoped<Branding>();
        services.AddScoped<ReadCompanySettings>();
        services.AddScoped<SaveCompanySettings>();
        services.AddScoped<Formats>();
        services.AddScoped<ReadLocalisationSettings>();
        services.AddScoped<SaveLocalisationSettings>();
        services.AddScoped<SaveOwnPreferences>();

        services.AddSection(new Section(
            "Settings",
            "Company data and logos, the SMTP server, language, time zone and formats.",
            "/admin/settings",
            10,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        foreach (var topic in s_help)
        {
            services.AddHelpTopic(topic);
        }
    }

    /// <summary>The settings endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the pages.</summary>
    public void MapApi(RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings").RequireAuthorization(Policies.Administrator);

        settings.MapGet("/email", async (HttpContext http, ReadSmtpSettings read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadSmtpSettings")
            .WithSummary("The SMTP settings in force and where they come from; only whether a password is set, never the password.");

        settings.MapPut("/email", async (SmtpSettingsRequest body, HttpContext http, SaveSmtpSettings save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), body.ToInput(), cancellationToken)).ToHttp())
            .WithName("SaveSmtpSettings")
            .WithSummary("Tries the server (connect, EHLO, STARTTLS or implicit TLS, AUTH when offered, NOOP), then stores the settings; an unreachable server is a 400 and keeps the previous ones. An empty password keeps the one set.");

        settings.MapGet("/company", async (HttpContext http, ReadCompanySettings read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadCompanySettings")
            .WithSummary("The company's name, address, logo width on documents and the addresses of its logos and favicon.");

        settings.MapPut("/company", async (CompanySettingsRequest body, HttpContext http, SaveCompanySettings save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), body.ToInput(), cancellationToken)).ToHttp())
            .WithName("SaveCompanySettings")
            .WithSummary("Sets name, address and logo width; images (PNG, base64) are replaced only when given, removed with removeLogoLight/removeLogoDark/removeFavicon.");

        settings.MapGet("/localisation", async (HttpContext http, ReadLocalisationSettings read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadLocalisationSettings")
            .WithSummary("The default language, time zone (IANA), date format and number separators.");

        settings.MapPut("/localisation", async (LocalisationSettingsInput body, HttpContext http, SaveLocalisationSettings save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), body, cancellationToken)).ToHttp())
            .WithName("SaveLocalisationSettings")
            .WithSummary("Sets all five values; languages en or de, an IANA time zone, DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD, separators that differ.");
    }

    /// <summary>What a caller may set; images are base64-encoded PNGs.</summary>
    public sealed record CompanySettingsRequest(string? Name, string? Address, int? DocumentLogoWidth,
        byte[]? LogoLight, byte[]? LogoDark, byte[]? Favicon, bool? RemoveLogoLight, bool? RemoveLogoDark, bool? RemoveFavicon)
    {
        public CompanySettingsInput ToInput() => new(Name, Address, DocumentLogoWidth,
            Image(LogoLight, RemoveLogoLight), Image(LogoDark, RemoveLogoDark), Image(Favicon, RemoveFavicon));

        private static ImageChange Image(byte[]? bytes, bool? remove) =>
            bytes is { Length: > 0 } ? new ImageChange(bytes.Length > PngImage.MaxBytes ? null : bytes, bytes.Length, remove == true) : new ImageChange(null, 0, remove == true);
    }

    /// <summary>What a caller may set; <c>CurrentPassword</c>: the caller's own password, needed when they signed in more than 10 minutes ago.</summary>
    public sealed record SmtpSettingsRequest(string? Host, int? Port, string? Security, string? From, string? UserName, string? Password, bool? ClearPassword,
        string? CurrentPassword = null)
    {
        public SmtpSettingsInput ToInput() => new(Host, Port, Security, From, UserName, Password, ClearPassword == true, CurrentPassword);
    }

    private static readonly HelpTopic[] s_help =
    [
        new("settings", "Settings",
        [
            "The settings pages hold what the whole organisation shares: the company's name, address and logos; the SMTP server the CRM sends email through; the language, time zone and formats.",
            "Every change is recorded in the activity log, saying what changed; a password is never written there.",
        ], AdministratorsOnly: true),
        new("settings-company", "Company settings",
        [
            "The company name appears at the top of every page, beside the logo, and on documents. The address (several lines) is printed on documents such as invoices.",
            "Upload two logos: one for light mode and one for dark mode; each device shows the one matching its colour scheme. A logo must be a PNG image at most 300 pixels wide and 1 MB. The favicon, the small icon in the browser tab, must be a PNG of exactly 32×32 pixels.",
            "A file that is not a PNG, too large or too wide is refused with the reason, and the previous logo stays. Tick Remove to take a logo away.",
            "The logo width on documents sets how wide the logo is printed (50 to 600 pixels).",
        ], AdministratorsOnly: true),
        new("settings-localisation", "Localisation settings",
        [
            "The default language is the language of the CRM for everyone who has not chosen their own on their account page. English and German are available; some pages are still in English only.",
            "The time zone decides how times are shown: the CRM stores every time in UTC and converts it for display. Each person may choose their own time zone on their account page.",
            "The date format (DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD) and the thousands and decimal separators apply to every page. The two separators must differ.",
        ], AdministratorsOnly: true),
        new("settings-email", "Email settings (SMTP)",
        [
            "Enter the SMTP server of your email provider: host, port, security, the address the CRM sends from, and the user name and password if the server asks for them. Port 587 with StartTls is what almost every provider offers; port 465 with SslOnConnect (implicit TLS) works too. None sends in clear: only for a relay on the same machine or a trusted network.",
            "Changing these settings is a sensitive action (they decide where the CRM's mail, password resets included, goes): if you signed in more than 10 minutes ago, the form asks for your password again (the API takes it as currentPassword). An API token cannot change them.",
            "Saving first connects to the server and exchanges a greeting (EHLO, TLS when chosen, sign-in with the user name and password when the server offers it, NOOP). The server's certificate must be valid; a relay with its own self-signed certificate is trusted only by the server's operator, in the configuration (Email:Smtp:TrustedCertificateThumbprint). If the server cannot be reached, the page shows the exact error beside the field at fault and nothing is saved: the previous settings stay in force, so emails keep going out.",
            "The password is stored encrypted and never shown again, not even to administrators: the page only says whether one is set. Leave the field empty to keep it; tick \"Clear the stored password\" to remove it. A wrong password is refused when saving, with the server's answer.",
            "Settings saved here replace those in the server's configuration (Email:Smtp). Until something is saved here, the configuration is used.",
        ], AdministratorsOnly: true),
    ];
}
