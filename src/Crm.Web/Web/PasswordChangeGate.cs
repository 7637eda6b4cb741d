using Crm.Web.Security;

namespace Crm.Web.Web;

/// <summary>
/// A user holding a temporary password can do one thing: choose a new one. Every other page
/// redirects to the change-password page, every API call answers 403.
/// </summary>
public static class PasswordChangeGate
{
    public const string ChangePasswordPath = "/account/change-password";

    private static readonly PathString[] s_allowed =
    [
        ChangePasswordPath, "/account/sign-out", "/error", "/help", "/health", "/lib", "/css", "/js", "/favicon.ico",
    ];

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.SignedIn() is { MustChangePassword: true } && !s_allowed.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "You must change your temporary password before using the CRM.").ExecuteAsync(context);
                return;
            }

            context.Response.Redirect(ChangePasswordPath);
            return;
        }

        await next(context);
    });
}
