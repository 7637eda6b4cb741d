using Crm.Web.Features.Account;
using Crm.Web.Features.Email;

namespace Crm.Web.Features.TwoFactor;

/// <summary>The activity kinds of two-factor sign-in (the activity log's filter lists kinds as stored).</summary>
public static class TwoFactorActivity
{
    public const string Enabled = "two-factor-enabled";
    public const string Disabled = "two-factor-disabled";
    public const string RecoveryCodesRenewed = "recovery-codes-renewed";
    public const string RecoveryCodeUsed = "recovery-code-used";
    public const string Reset = "two-factor-reset";
    public const string PolicyChanged = "two-factor-policy-changed";
    public const string PasskeyAdded = "passkey-added";
    public const string PasskeyRenamed = "passkey-renamed";
    public const string PasskeyRemoved = "passkey-removed";
}

/// <summary>
/// Tells a user by email about every change to their second factor they might not have made
/// themselves, through the email queue, on the caller's unit of work.
/// </summary>
public sealed class TwoFactorNotices(EmailOutbox outbox, EmailDelivery delivery)
{
    public void Queue(CrmUser user, string subject, string what)
    {
        if (string.IsNullOrEmpty(user.Email))
        {
            return;
        }

        outbox.Queue(user.Email, subject,
            $"Hello {user.FullName},\n\n{what}\n\nIf this was not you, tell your administrator at once: someone may know your password.\n",
            "two-factor");
    }

    /// <summary>After the save: the worker sends without waiting for its next round.</summary>
    public void Send() => delivery.Wake();
}
