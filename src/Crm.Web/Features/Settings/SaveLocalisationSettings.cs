using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

public sealed record LocalisationSettingsInput(string? DefaultLanguage, string? TimeZone, string? DateFormat, string? ThousandsSeparator, string? DecimalSeparator);

/// <summary>Saves the localisation settings; each value is checked against what the CRM can show.</summary>
public sealed class SaveLocalisationSettings(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public async Task<Result<LocalisationSettingsView>> RunAsync(Actor actor, LocalisationSettingsInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<LocalisationSettingsView>.Forbidden(SettingsMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<LocalisationSettingsView>.Forbidden(SettingsMessages.NotInPreview);
        }

        var errors = new FieldErrors();
        var language = input.DefaultLanguage?.Trim();
        if (language is null || !Formats.Languages.Contains(language, StringComparer.Ordinal))
        {
            errors.Add("defaultLanguage", $"Default language must be one of: {string.Join(", ", Formats.Languages)}.");
        }

        var zone = input.TimeZone?.Trim();
        if (Formats.FindZone(zone) is null)
        {
            errors.Add("timeZone", "Time zone must be an IANA time zone name, like Europe/Berlin or America/New_York.");
        }

        if (input.DateFormat is null || !Formats.DateFormats.Contains(input.DateFormat, StringComparer.Ordinal))
        {
            errors.Add("dateFormat", $"Date format must be one of: {string.Join(", ", Formats.DateFormats)}.");
        }

        if (input.ThousandsSeparator is null || !Formats.ThousandsSeparators.Contains(input.ThousandsSeparator, StringComparer.Ordinal))
        {
            errors.Add("thousandsSeparator", "Thousands separator must be a comma, a full stop, a space or an apostrophe.");
        }

        if (input.DecimalSeparator is null || !Formats.DecimalSeparators.Contains(input.DecimalSeparator, StringComparer.Ordinal))
        {
            errors.Add("decimalSeparator", "Decimal separator must be a full stop or a comma.");
        }
        else if (input.DecimalSeparator == input.ThousandsSeparator)
        {
            errors.Add("decimalSeparator", "The decimal separator must differ from the thousands separator.");
        }

        if (errors.Any)
        {
            return Result<LocalisationSettingsView>.Invalid(errors);
        }

        var before = await ReadLocalisationSettings.ReadAsync(db, cancellationToken);
        var after = new LocalisationSettingsView(language!, zone!, input.DateFormat!, input.ThousandsSeparator!, input.DecimalSeparator!);
        var changes = new List<string>();
        Note(changes, "default language", before.DefaultLanguage, after.DefaultLanguage);
        Note(changes, "time zone", before.TimeZone, after.TimeZone);
        Note(changes, "date format", before.DateFormat, after.DateFormat);
        Note(changes, "thousands separator", before.ThousandsSeparator, after.ThousandsSeparator);
        Note(changes, "decimal separator", before.DecimalSeparator, after.DecimalSeparator);
        if (changes.Count == 0)
        {
            return Result<LocalisationSettingsView>.Ok(after);
        }

        var row = await db.InstanceSettings.FirstOrDefaultAsync(s => s.Id == InstanceSettings.TheId, cancellationToken);
        if (row is null)
        {
            row = new InstanceSettings();
            db.InstanceSettings.Add(row);
        }

        row.DefaultLanguage = after.DefaultLanguage;
        row.TimeZone = after.TimeZone;
        row.DateFormat = after.DateFormat;
        row.ThousandsSeparator = after.ThousandsSeparator;
        row.DecimalSeparator = after.DecimalSeparator;
        row.ChangedAt = clock.GetUtcNow().UtcDateTime;
        activity.Record(actor, ActivityKinds.SettingsChanged, $"Changed the localisation settings: {string.Join("; ", changes)}.");
        await db.SaveChangesAsync(cancellationToken);
        return Result<LocalisationSettingsView>.Ok(after);
    }

    private static void Note(List<string> changes, string label, string before, string after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes.Add($"{label} '{before}' → '{after}'");
        }
    }
}
