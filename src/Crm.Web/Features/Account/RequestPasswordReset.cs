using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record RequestPasswordResetInput(string? Email);

/// <summary>
/// Issues a single-use reset link (an Identity token bound to the security stamp: using it, or
/// any password change, voids it). The answer is the same whether or not the account exists.
/// Until email delivery exists the link is written to the log, in one line of its own category.
/// </summary>
public sealed class RequestPasswordReset(
    UserManager<CrmUser> users,
    PublicUrls urls,
    ILoggerFactory loggers)
{
    /// <summary>The only log category allowed to carry a reset token.</summary>
    public const string LinkLogCategory = "Crm.PasswordResetLinks";

    private readonly ILogger _links = loggers.CreateLogger(LinkLogCategory);

    public async Task<Result<bool>> RunAsync(RequestPasswordResetInput input, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Email("email", "Email", input.Email);
        if (errors.Any)
        {
            return Result<bool>.Invalid(errors);
        }

        var user = await users.FindByEmailAsync(input.Email!.Trim());
        if (user is { IsActive: true })
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var link = urls.Absolute(http, "/account/reset-password", ("user", user.Id.ToString()), ("token", token));
            _links.LogInformation("Password reset link for user {UserId} ({Email}): {ResetLink}", user.Id, user.Email, link);
        }

        return Result<bool>.Ok(true);
    }
}
