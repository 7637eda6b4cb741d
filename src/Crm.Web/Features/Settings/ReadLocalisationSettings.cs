using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

public sealed record LocalisationSettingsView(string DefaultLanguage, string TimeZone, string DateFormat, string ThousandsSeparator, string DecimalSeparator);

/// <summary>The organisation's language, time zone, date format and number separators (defaults when none are stored).</summary>
public sealed class ReadLocalisationSettings(CrmDb db)
{
    public async Task<Result<LocalisationSettingsView>> RunAsync(Actor actor, CancellationToken cancellationToken) =>
        !actor.IsAdministrator
            ? Result<LocalisationSettingsView>.Forbidden(SettingsMessages.AdministratorsOnly)
            : Result<LocalisationSettingsView>.Ok(await ReadAsync(db, cancellationToken));

    internal static async Task<LocalisationSettingsView> ReadAsync(CrmDb db, CancellationToken cancellationToken)
    {
        var row = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
            .Select(s => new { s.DefaultLanguage, s.TimeZone, s.DateFormat, s.ThousandsSeparator, s.DecimalSeparator })
            .FirstOrDefaultAsync(cancellationToken);
        return new LocalisationSettingsView(row?.DefaultLanguage ?? Formats.DefaultLanguage, row?.TimeZone ?? "UTC",
            row?.DateFormat ?? Formats.DefaultDateFormat, row?.ThousandsSeparator ?? ",", row?.DecimalSeparator ?? ".");
    }
}
