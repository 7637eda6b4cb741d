using System.Security.Cryptography;
using Crm.Web.Data;
using Crm.Web.Features.Email;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The SMTP settings in force: those stored by an administrator (/admin/settings/email) when a
/// host is stored, otherwise the <c>Email:Smtp:*</c> configuration. Read from the database on
/// every use, so a change made on one instance applies on every instance at its next send. The
/// trusted certificate thumbprints always come from configuration (<see cref="TrustedCertificateThumbprint"/>).
/// </summary>
public sealed class EffectiveSmtpSettings(IServiceScopeFactory scopes, IOptionsMonitor<SmtpSettings> configured, IDataProtectionProvider protection)
{
    public const string PasswordPurpose = "Crm.Settings.SmtpPassword";

    private readonly IDataProtector _passwords = protection.CreateProtector(PasswordPurpose);

    public async Task<SmtpSettings> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var stored = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
            .Select(s => new { s.SmtpHost, s.SmtpPort, s.SmtpSecurity, s.SmtpFrom, s.SmtpUserName, s.SmtpProtectedPassword })
            .FirstOrDefaultAsync(cancellationToken);
        if (stored?.SmtpHost is null)
        {
            var c = configured.CurrentValue;
            return new SmtpSettings
            {
                Host = c.Host, Port = c.Port, Security = c.Security, From = c.From, UserName = c.UserName, Password = c.Password,
                TrustedCertificateThumbprint = c.TrustedCertificateThumbprint,
            };
        }

        return new SmtpSettings
        {
            Host = stored.SmtpHost,
            Port = stored.SmtpPort ?? 587,
            Security = (SmtpSecurity)(stored.SmtpSecurity ?? (int)SmtpSecurity.StartTls),
            From = stored.SmtpFrom,
            UserName = stored.SmtpUserName,
            Password = Unprotect(stored.SmtpProtectedPassword),
            // Trusting a certificate is the server operator's decision, kept in configuration (ADR 0016).
            TrustedCertificateThumbprint = configured.CurrentValue.TrustedCertificateThumbprint,
            Stored = true,
        };
    }

    /// <summary><c>Email:Smtp:TrustedCertificateThumbprint</c>: also trusted for the users' sending accounts.</summary>
    public string? TrustedCertificateThumbprint => configured.CurrentValue.TrustedCertificateThumbprint;

    public string Protect(string password) => _passwords.Protect(password);

    private string? Unprotect(string? protectedPassword)
    {
        if (protectedPassword is null)
        {
            return null;
        }

        try
        {
            return _passwords.Unprotect(protectedPassword);
        }
        catch (CryptographicException)
        {
            // The key ring lost the key (restored database without its keys): behave as if no
            // password were stored, which SmtpSettings.Problems reports in plain words.
            return null;
        }
    }
}
