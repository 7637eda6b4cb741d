using Crm.Web.Features.Account;
using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Web.Features.TwoFactor;

/// <summary>Two-factor sign-in (ADR 0025): authenticator codes, recovery codes, the administrators' policy.</summary>
public sealed class TwoFactorSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<AdministratorsTwoFactorHealth>();

        // Identity's passkey handler reads credentials through the user store: ours keeps them in the Passkeys table (ADR 0049).
        services.Replace(ServiceDescriptor.Scoped<IUserStore<CrmUser>, PasskeyStore>());
        services.AddOptions<IdentityPasskeyOptions>().Configure<IConfiguration>(PasskeyCeremonies.Configure);
        services.TryAddScoped<IPasskeyHandler<CrmUser>, PasskeyHandler<CrmUser>>();
        foreach (var service in s_scoped)
        {
            services.AddScoped(service);
        }

        services.AddSection(new Section(
            "Two-factor sign-in",
            "Who signs in with a second factor; require it for administrators; reset a lost one.",
            "/admin/two-factor",
            150,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
        services.AddHelpTopic(s_administrationHelp);
    }

    /// <summary>The policy and everyone's status in <c>/api/v1</c>, for administrators, over the same use cases as the page.</summary>
    public void MapApi(RouteGroupBuilder api)
    {
        var twoFactor = api.MapGroup("/two-factor").WithTags("Two-factor sign-in").RequireAuthorization(Policies.Administrator);

        twoFactor.MapGet("/users", async (string? filter, HttpContext http, ListTwoFactorStatus list, CancellationToken cancellationToken) =>
                filter is not (null or TwoFactorAdministrationPage.FilterAdministratorsWithout)
                    ? Result.Invalid("filter", $"Leave the filter out for everyone, or give \"{TwoFactorAdministrationPage.FilterAdministratorsWithout}\" for the active administrators without a second factor.").ToHttp()
                    : (await list.RunAsync(http.Actor(), filter is not null, cancellationToken)).ToHttp())
            .WithName("ListTwoFactorStatus")
            .WithSummary("Every user's second factor, as Administration › Two-factor shows it: authenticator app, passkeys, recovery codes left, last use, whether the policy requires one, and for someone required who has none the deadline of their grace period (UTC; null: it starts at their next sign-in) and whether it has passed. `filter=administrators-without`: only the active administrators without one.")
            .Produces<TwoFactorOverview>()
            .ProducesValidationProblem();

        twoFactor.MapGet("/policy", async (HttpContext http, ReadTwoFactorPolicy read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadTwoFactorPolicy")
            .WithSummary("Whether administrators must use two-factor sign-in, the roles whose members must, the grace period in days (0 = none), and whether people may sign in with a passkey alone.");

        twoFactor.MapPut("/policy", async (TwoFactorPolicyRequest body, HttpContext http, SaveTwoFactorPolicy save, CancellationToken cancellationToken) =>
                body.GraceDays is not { } graceDays
                    ? Result.Invalid(SaveTwoFactorPolicy.GraceDaysField, SaveTwoFactorPolicy.GraceDaysRange).ToHttp()
                    : (await save.RunAsync(http.Actor(), body.RequiredForAdministrators ?? false, body.RequiredRoleIds ?? [], graceDays, body.PasswordlessSignIn ?? false, cancellationToken)).ToHttp())
            .WithName("SaveTwoFactorPolicy")
            .WithSummary("Sets all four: requiredForAdministrators (absent = false), requiredRoleIds (absent = none), graceDays (0 to 90, required) and passwordlessSignIn (sign-in with a passkey alone; absent = false). People it newly covers get the grace period from now; it applies at each person's next sign-in.");
    }

    /// <summary>The body of <c>PUT /api/v1/two-factor/policy</c>.</summary>
    public sealed record TwoFactorPolicyRequest(bool? RequiredForAdministrators, int[]? RequiredRoleIds, int? GraceDays, bool? PasswordlessSignIn);

    /// <summary>The feature's services and use cases, one per request.</summary>
    private static readonly Type[] s_scoped =
    [
        typeof(Authenticator), typeof(RecoveryCodes), typeof(SecondFactorPolicy), typeof(PendingSecondStep), typeof(PasswordCheck),
        typeof(TwoFactorNotices), typeof(ReadOwnSecurity), typeof(StartEnrolment), typeof(ConfirmEnrolment), typeof(TurnOffTwoFactor),
        typeof(RenewRecoveryCodes), typeof(VerifySecondStep), typeof(ListTwoFactorStatus), typeof(ResetSecondFactor), typeof(SaveTwoFactorPolicy),
        typeof(ReadTwoFactorPolicy), typeof(PasskeyCeremonies), typeof(AddPasskey), typeof(RenamePasskey), typeof(RemovePasskey), typeof(SignInWithPasskey),
    ];

    private static readonly HelpTopic s_help = new("two-factor", "Two-factor sign-in",
    [
        "With two-factor sign-in, your password alone no longer opens your account: after it, the CRM asks for a six-digit code from an authenticator app on your phone (FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator and others). The code changes every 30 seconds.",
        "To set it up, open Your account › Two-factor sign-in, choose \"Set up\", scan the QR code with the app (or type the key shown under it), and enter the code the app then shows. The key is shown only until you confirm it.",
        "You then get ten recovery codes, shown once. Each signs you in one time if you lose your phone. Print them or keep them in a password manager. Every use is logged and emailed to you. Making new codes (with your password) stops the old ones.",
        "Each code works once: a code already used, or one older than a minute or so, is refused. Wrong codes count like wrong passwords: after several, signing in is paused for a while. If codes are always refused, check that your phone sets its clock automatically.",
        "Turning it off asks for your password. If your organisation requires two-factor sign-in for you (for administrators, or for your role), you are sent to this page when signing in and can use nothing else until it is on. If you lost both your phone and your recovery codes, ask an administrator to reset your second factor.",
        "Passkeys: under Passkeys on the same page, \"Add a passkey\" registers one of your computer, phone or security key, unlocked with its PIN, fingerprint or face. Name it after the device (\"Work laptop\"); add one per device you use. Adding one asks for your password if you signed in more than 10 minutes ago. From then on, after your password, \"Use a passkey\" at the second step signs you in; it counts as your second factor, also where your organisation requires one. Rename or remove a passkey in its row (removing asks for your password too). If your organisation allows it, \"Sign in with a passkey\" on the sign-in page signs you in without your password.",
        "A passkey that is refused with a message about its use counter may have been copied: remove it, add it again from the device, and tell your administrator. Passkeys work only at the address the CRM was set up for (its name, not an IP address).",
        "Your organisation may give a grace period: then every page shows \"Set up two-factor sign-in by <date> (N days left)\" with a link here, and you can work as usual until that date. The cross hides the reminder on that page only. From the date on, this page is the only one you can use until two-factor sign-in is on. A new account gets no grace period: it is set up at the first sign-in.",
    ]);

    private static readonly HelpTopic s_administrationHelp = new("two-factor-administration", "Two-factor sign-in: administration",
    [
        "Administration › Two-factor sign-in lists every user with their second factor: whether the authenticator app is on, how many recovery codes are left and when a second factor was last used. The filter \"Administrators without two-factor\" answers the security checklist's question at a glance. The same list, with each deadline, is in the API: GET /api/v1/two-factor/users (add ?filter=administrators-without for the filter).",
        "\"Require two-factor sign-in for administrators\" is on for a new installation; it can also be required for every member of chosen roles (the Required badge in the list). It applies when a person next signs in: one without a second factor is sent to set it up and can reach nothing else until it is on. API tokens are not affected, by design: an integration does not sign in, so protect tokens by binding them to limited integration users.",
        "The grace period (0 to 90 days; 0, the default, means none) lets people the policy newly covers work on for that many days, with a reminder on every page, before they are held on the set-up page. Their time starts when the policy starts to cover them: when you save the policy, or, for someone given a required role or made administrator later, at their next sign-in. It does not restart at each sign-in. The Deadline column shows \"In grace\" with the date, \"Overdue\" once it has passed, or \"From next sign-in\". A new user created while the policy covers them gets no grace period: a new administrator sets up two-factor sign-in at the first sign-in, before anything else. Changing the number of days moves everyone's deadline with it. Turning the policy off for someone and on again later gives them a fresh grace period (recorded in the activity log); set 0 if you want none. Administrators in their grace period still count as without two-factor sign-in in the filter and on the health dashboard.",
        "The list shows each person's second factor: the authenticator app and the number of passkeys. \"Allow sign-in with a passkey alone, without a password\" (off by default) puts \"Sign in with a passkey\" on the sign-in page: a passkey asks for the device's PIN or fingerprint, so it is two factors by itself. Without it, passkeys are a second step after the password. Passkeys are bound to the CRM's address: set Passkeys:RelyingPartyId (see the README) before people add them.",
        "Reset removes someone's second factors (authenticator app, recovery codes and passkeys) when they lost their devices. It asks for your own password, ends the person's sessions, emails them and is recorded in the activity log. Make sure you are talking to the right person before resetting: a reset leaves their password as the only protection until they set up a new key.",
    ], AdministratorsOnly: true);
}
