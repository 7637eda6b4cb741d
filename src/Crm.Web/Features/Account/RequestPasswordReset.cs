using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Features.Email.Templates;
using Crm.Web.Web;
using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

public sealed record RequestPasswordResetInput(string? Email);

/// <summary>
/// Issues a single-use reset link (an Identity token bound to the security stamp: using it, or
/// any password change, voids it). The answer is the same whether or not the account exists.
/// The link goes out by email (the outbox). Without an SMTP server (development), it is written
/// to the log instead, in one line of its own category.
/// </summary>
public sealed class RequestPasswordReset(
    UserManager<CrmUser> users,
    CrmDb db,
    TemplatedEmails emails,
    EmailDelivery delivery,
    SmtpSender smtp,
    PublicUrls urls,
    ILoggerFactory loggers)
{
    /// <summary>The only log category allowed to carry a reset token, and only when no SMTP server is configured.</summary>
    public const string LinkLogCategory = "Crm.PasswordResetLinks";

    private readonly ILogger _links = loggers.CreateLogger(LinkLogCategory);

    public async Task<Result> RunAsync(RequestPasswordResetInput input, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Email("email", "Email", input.Email);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var user = await users.FindByEmailAsync(input.Email!.Trim());
        // An integration user has no password to reset; the answer stays the same for every address.
        if (user is { IsActive: true, IsIntegration: false })
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var link = urls.Absolute(http, "/account/reset-password", ("user", user.Id.ToString()), ("token", token));
            if ((await smtp.ReadSettingsAsync(cancellationToken)).IsConfigured)
            {
                await emails.QueueAsync(EmailTemplates.PasswordReset, user.Email!, user.Language, new Dictionary<string, string>
                {
                    ["name"] = user.FullName,
                    ["email"] = user.Email!,
                    ["link"] = link,
                }, "password-reset", cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                delivery.Wake();
            }
            else
            {
                _links.LogInformation("Password reset link for user {UserId} ({Email}): {ResetLink}", user.Id, user.Email, link);
            }
        }

        return Result.Ok();
    }
}
