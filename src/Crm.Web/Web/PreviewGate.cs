using Crm.Web.Security;

namespace Crm.Web.Web;

/// <summary>
/// A preview is read-only: while an administrator previews as someone, every request that could
/// change something is refused, whatever page or endpoint it targets. Ending the preview and
/// signing out stay possible.
/// </summary>
public static class PreviewGate
{
    public const string EndPreviewPath = "/account/preview/end";

    public static IApplicationBuilder UsePreviewGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.SignedIn()?.PreviewedBy is not null
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !context.Request.Path.StartsWithSegments(EndPreviewPath) && !context.Request.Path.StartsWithSegments("/account/sign-out"))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "A preview is read-only: end the preview to make changes.").ExecuteAsync(context);
            }

            return;
        }

        await next(context);
    });
}
