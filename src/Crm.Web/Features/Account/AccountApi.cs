using Crm.Web.Security;

namespace Crm.Web.Features.Account;

/// <summary>The account endpoints of <c>/api/v1</c>, over the same use cases as the pages.</summary>
public static class AccountApi
{
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Account");

        me.MapGet("", async (HttpContext http, ReadOwnProfile readProfile, CancellationToken cancellationToken) =>
                (await readProfile.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("GetOwnProfile")
            .WithSummary("The signed-in user's own profile.");

        me.MapPost("/password", async (HttpContext http, ChangePasswordRequest body, ChangePassword changePassword, CancellationToken cancellationToken) =>
                (await changePassword.RunAsync(http, new ChangePasswordInput(body.CurrentPassword, body.NewPassword, null), cancellationToken))
                    .ToHttp())
            .WithName("ChangeOwnPassword")
            .WithSummary("Replaces the caller's password; every other session of the caller ends.");

        return api;
    }

    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
}
