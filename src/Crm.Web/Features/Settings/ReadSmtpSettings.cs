using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The SMTP settings in force, as shown to an administrator: never the password, only whether
/// one is set. <c>Source</c> says where they come from: "database", "configuration" or "none".
/// </summary>
public sealed record SmtpSettingsView(string? Host, int Port, string Security, string? From, string? UserName, bool PasswordSet, string Source, DateTime? ChangedAt);

public sealed class ReadSmtpSettings(CrmDb db, EffectiveSmtpSettings effective)
{
    public async Task<Result<SmtpSettingsView>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<SmtpSettingsView>.Forbidden(SettingsMessages.AdministratorsOnly);
        }

        var smtp = await effective.ReadAsync(cancellationToken);
        var changedAt = await db.InstanceSettings.Where(s => s.Id == InstanceSettings.TheId).Select(s => s.SmtpChangedAt).FirstOrDefaultAsync(cancellationToken);
        var source = smtp.Stored ? "database" : smtp.IsConfigured ? "configuration" : "none";
        return Result<SmtpSettingsView>.Ok(new SmtpSettingsView(smtp.Host, smtp.Port, smtp.Security.ToString(), smtp.From, smtp.UserName,
            !string.IsNullOrEmpty(smtp.Password), source, smtp.Stored ? changedAt : null));
    }
}
