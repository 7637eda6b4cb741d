using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Email;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The SMTP form. <c>Password</c>: a new password, empty keeps the one in force;
/// <c>ClearPassword</c> removes it (for a relay without authentication).
/// </summary>
public sealed record SmtpSettingsInput(string? Host, int? Port, string? Security, string? From, string? UserName, string? Password, bool ClearPassword,
    string? CurrentPassword = null);

/// <summary>How long saving waits for the SMTP server before saying it is unreachable (<c>Settings:SmtpProbeSeconds</c>).</summary>
public sealed class SettingsOptions
{
    public const string Section = "Settings";
    public int SmtpProbeSeconds { get; set; } = 5;
}

/// <summary>
/// Stores the SMTP settings after trying them: the server must answer (connect, EHLO, STARTTLS or
/// implicit TLS with a trusted certificate, AUTH when offered and a user name is set, NOOP) or nothing is saved and the settings in force stay. The password is
/// encrypted with Data Protection and never leaves this class in clear, not even in the log entry.
/// A sensitive action (where the CRM's mail, password resets included, goes and with which
/// credentials): it needs a fresh sign-in (<see cref="FreshSignIn"/>).
/// </summary>
public sealed class SaveSmtpSettings(CrmDb db, EffectiveSmtpSettings effective, ActivityLog activity, TimeProvider clock,
    Microsoft.Extensions.Options.IOptionsMonitor<SettingsOptions> options, FreshSignIn freshSignIn)
{
    public const int PasswordMaxLength = 500;

    public async Task<Result<SmtpSettingsView>> RunAsync(Actor actor, SmtpSettingsInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<SmtpSettingsView>.Forbidden(SettingsMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<SmtpSettingsView>.Forbidden(SettingsMessages.NotInPreview);
        }

        if (await freshSignIn.RequireAsync(input.CurrentPassword, cancellationToken) is { } stale)
        {
            return stale.Map<SmtpSettingsView>();
        }

        var host = input.Host?.Trim();
        var from = input.From?.Trim();
        var userName = string.IsNullOrWhiteSpace(input.UserName) ? null : input.UserName.Trim();
        var errors = new FieldErrors().Text("host", "Host", host, 255);
        if (!string.IsNullOrEmpty(host) && host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@' or '<' or '>'))
        {
            errors.Add("host", "Host must be a server name or address, like smtp.example.com, without spaces or slashes.");
        }

        if (input.Port is not { } port)
        {
            errors.Add("port", "Port is required: usually 587 (StartTls), 465 (SslOnConnect) or 25 (None).");
            port = 0;
        }
        else if (port is < 1 or > 65535)
        {
            errors.Add("port", "Port must be between 1 and 65535.");
        }

        SmtpSecurity security = SmtpSecurity.StartTls;
        if (!Enum.TryParse(input.Security?.Trim(), ignoreCase: true, out security) || !Enum.IsDefined(security) || int.TryParse(input.Security, out _))
        {
            errors.Add("security", "Security must be StartTls, SslOnConnect or None.");
        }

        errors.Email("from", "From address", from);
        errors.Text("userName", "User name", userName, 256, required: false).PlainText("userName", "User name", userName);
        if (input.Password is { Length: > PasswordMaxLength })
        {
            errors.Add("password", $"Password must be at most {PasswordMaxLength} characters.");
        }

        var previous = await effective.ReadAsync(cancellationToken);
        var newPassword = string.IsNullOrEmpty(input.Password) ? null : input.Password;
        var password = input.ClearPassword ? null : newPassword ?? previous.Password;
        if (input.ClearPassword && newPassword is not null)
        {
            errors.Add("password", "Either enter a new password or clear it, not both.");
        }
        else if (userName is not null && password is null)
        {
            errors.Add("password", input.ClearPassword
                ? "A user name needs a password: clear the user name too, for a relay without authentication."
                : "Enter the password for this user name (none is set).");
        }
        else if (userName is null && newPassword is not null)
        {
            errors.Add("userName", "Enter the user name that goes with the password.");
        }

        if (errors.Any)
        {
            return Result<SmtpSettingsView>.Invalid(errors);
        }

        if (userName is null)
        {
            password = null;
        }

        // Try before saving: a typo in the host or port, or a wrong password, must not stop every
        // email of the company. The certificates the operator trusts are the configuration's.
        var timeout = TimeSpan.FromSeconds(Math.Clamp(options.CurrentValue.SmtpProbeSeconds, 1, 60));
        var trying = new SmtpSettings
        {
            Host = host, Port = port, Security = security, From = from, UserName = userName, Password = password,
            TrustedCertificateThumbprint = previous.TrustedCertificateThumbprint,
        };
        if ((await SmtpProbe.TryAsync(trying, timeout, cancellationToken)).Failure is { } failure)
        {
            return Result<SmtpSettingsView>.Invalid(failure.Field, $"{failure.Message.TrimEnd('.', ' ')}. The settings were not saved; the previous ones stay in force.");
        }

        var row = await db.InstanceSettings.FirstOrDefaultAsync(s => s.Id == InstanceSettings.TheId, cancellationToken);
        if (row is null)
        {
            row = new InstanceSettings();
            db.InstanceSettings.Add(row);
        }

        var changes = new List<string>();
        Note(changes, "host", previous.Host, host);
        Note(changes, "port", previous.IsConfigured ? previous.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : null, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Note(changes, "security", previous.IsConfigured ? previous.Security.ToString() : null, security.ToString());
        Note(changes, "from address", previous.From, from);
        Note(changes, "user name", previous.UserName, userName);
        if (password != previous.Password)
        {
            // Says that the password changed, never what it is.
            changes.Add(password is null ? "password cleared" : previous.Password is null ? "password set" : "password changed");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        row.SmtpHost = host;
        row.SmtpPort = port;
        row.SmtpSecurity = (int)security;
        row.SmtpFrom = from;
        row.SmtpUserName = userName;
        row.SmtpProtectedPassword = password is null ? null : effective.Protect(password);
        row.SmtpChangedAt = now;
        row.ChangedAt = now;
        activity.Record(actor, ActivityKinds.SettingsChanged, changes.Count == 0
            ? "Saved the SMTP settings unchanged (the server answered)."
            : $"Changed the SMTP settings{(previous.Stored ? "" : " (previously from configuration)")}: {string.Join("; ", changes)}.");
        await db.SaveChangesAsync(cancellationToken);

        return Result<SmtpSettingsView>.Ok(new SmtpSettingsView(host, port, security.ToString(), from, userName, password is not null, "database", now));
    }

    private static void Note(List<string> changes, string label, string? before, string? after)
    {
        if (!string.Equals(before ?? "", after ?? "", StringComparison.Ordinal))
        {
            changes.Add($"{label} {(string.IsNullOrEmpty(before) ? "(none)" : before)} → {(string.IsNullOrEmpty(after) ? "(none)" : after)}");
        }
    }
}
