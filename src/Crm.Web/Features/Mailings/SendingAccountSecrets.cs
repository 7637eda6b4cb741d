using System.Security.Cryptography;
using Crm.Web.Features.Email;
using Microsoft.AspNetCore.DataProtection;

namespace Crm.Web.Features.Mailings;

/// <summary>Encrypts a sending account's password at rest and turns an account into SMTP settings for the worker.</summary>
public sealed class SendingAccountSecrets(IDataProtectionProvider protection)
{
    public const string PasswordPurpose = "Crm.Mailings.SendingAccountPassword";

    private readonly IDataProtector _passwords = protection.CreateProtector(PasswordPurpose);

    public string Protect(string password) => _passwords.Protect(password);

    /// <summary>The account's SMTP settings, password decrypted (held only while sending).</summary>
    public SmtpSettings Settings(SendingAccount account)
    {
        string? password = null;
        if (account.ProtectedPassword is not null)
        {
            try
            {
                password = _passwords.Unprotect(account.ProtectedPassword);
            }
            catch (CryptographicException)
            {
                // Lost key ring: SmtpSettings.Problems then says user name without password.
                password = null;
            }
        }

        return new SmtpSettings
        {
            Host = account.Host,
            Port = account.Port,
            Security = account.Security,
            From = account.FromAddress,
            UserName = account.UserName,
            Password = password,
        };
    }
}
