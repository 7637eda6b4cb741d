using Microsoft.AspNetCore.Identity;
using Crm.Web.Data;
using Crm.Web.Web;

namespace Crm.Web.Features.Account;

public sealed class AccountSetup : ICrmFeature
{
    public const int DefaultHashIterations = 210_000;

    public void MapApi(RouteGroupBuilder api) => api.MapAccountApi();

    public void AddServices(IServiceCollection services)
    {
        // The session cookie is the default scheme. AddApiTokens replaces the default with a selector
        // that sends requests carrying "Authorization: Bearer" to the token scheme and all others here.
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();

        services.AddIdentityCore<CrmUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = ""; // the user name is the email address
                o.Password.RequiredLength = PasswordPolicy.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<CrmDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<SetPasswordTokens>(SetPasswordTokens.ProviderName)
            .AddPasswordValidator<PasswordPolicy>();

        services.AddOptions<IdentityOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Security:LockoutAttempts", 5);
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Security:LockoutMinutes", 15));
        });

        // PBKDF2-HMAC-SHA512 (Identity v3 format); OWASP asks >= 210,000 iterations. Tests lower it.
        services.AddOptions<PasswordHasherOptions>().Configure<IConfiguration>((o, configuration) =>
            o.IterationCount = configuration.GetValue("Security:PasswordHashIterations", DefaultHashIterations));
        services.AddOptions<DataProtectionTokenProviderOptions>().Configure<IConfiguration>((o, configuration) =>
            o.TokenLifespan = TimeSpan.FromHours(configuration.GetValue("Security:PasswordResetLinkHours", 2)));

        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IConfiguration>((o, configuration) =>
                o.ExpireTimeSpan = TimeSpan.FromHours(configuration.GetValue("Security:SessionHours", 8)));
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "crm.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/error/403";
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = Sessions.ValidateAsync;
            // API callers get status codes, not a redirect to an HTML page.
            o.Events.OnRedirectToLogin = c => ApiAware(c, StatusCodes.Status401Unauthorized);
            // Forbidden is answered in place (the error page renders it), never by a redirect.
            o.Events.OnRedirectToAccessDenied = c =>
            {
                c.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        services.AddScoped<Sessions>();
        services.AddScoped<FreshSignIn>();
        services.AddScoped<SignInUser>();
        services.AddScoped<SignOutUser>();
        services.AddScoped<ChangePassword>();
        services.AddScoped<RequestPasswordReset>();
        services.AddScoped<ResetPassword>();
        services.AddScoped<FirstAdministrator>();
        services.AddScoped<ReadOwnProfile>();
        // The menu under the person's name reaches it, not the navigation bar.
        services.AddSection(new Section("Your account", "Your profile, your sessions and your password.", "/account", 900, _ => true) { InNavigation = false });
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
