using System.Security.Cryptography;
using Crm.Web.Features.Email;
using Crm.Web.Features.Settings;
using Microsoft.AspNetCore.DataProtection;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Encrypts a sending account's password at rest and turns an account into SMTP settings for the
/// worker. The certificates trusted beyond the system's are the operator's
/// (<c>Email:Smtp:TrustedCertificateThumbprint</c>): a user cannot add one of their own (ADR 0016).
/// </summary>
public sealed class SendingAccountSecrets(IDataProtectionProvider protection, EffectiveSmtpSettings instanceSmtp)
{
    public const string PasswordPurpose = "Crm.Mailings.SendingAccountPassword";

    private readonly IDataProtector _passwords = protection.CreateProtector(PasswordPurpose);

    public string Protect(string password) => _passwords.Protect(password);

    /// <summary>The account's SMTP settings, password decrypted (held only while sending).</summary>
    public SmtpSettings Settings(SendingAccount account) =>
        Settings(account.Host, account.Port, account.Security, account.FromAddress, account.UserName, Password(account));

    /// <summary>Settings for a connection to a sending account's server, with the operator's trusted certificates.</summary>
    public SmtpSettings Settings(string host, int port, SmtpSecurity security, string from, string? userName, string? password) => new()
    {
        Host = host,
        Port = port,
        Security = security,
        From = from,
        UserName = userName,
        Password = password,
        TrustedCertificateThumbprint = instanceSmtp.TrustedCertificateThumbprint,
    };

    /// <summary>The account's stored password, decrypted; null when none is stored or the key is lost.</summary>
    public string? Password(SendingAccount account)
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

        return password;
    }
}
