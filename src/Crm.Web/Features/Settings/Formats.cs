using System.Globalization;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// How this request shows instants and numbers: the organisation's localisation settings with the
/// signed-in person's own language and time zone on top. Loaded once per request (by the culture
/// provider, before any page runs); every page shows dates and numbers through it.
/// </summary>
public sealed class Formats(CrmDb db)
{
    public const string DefaultLanguage = "en";
    public const string DefaultDateFormat = "YYYY-MM-DD";

    /// <summary>Languages the user interface is translated into (English is the text itself).</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "de"];

    public static readonly IReadOnlyList<string> DateFormats = ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"];
    public static readonly IReadOnlyList<string> ThousandsSeparators = [",", ".", " ", "'"];
    public static readonly IReadOnlyList<string> DecimalSeparators = [".", ","];

    private bool _loaded;

    public string Language { get; private set; } = DefaultLanguage;
    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;
    public string DateFormat { get; private set; } = DefaultDateFormat;
    public string ThousandsSeparator { get; private set; } = ",";
    public string DecimalSeparator { get; private set; } = ".";

    public async Task LoadAsync(Guid? userId, CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        var organisation = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
            .Select(s => new { s.DefaultLanguage, s.TimeZone, s.DateFormat, s.ThousandsSeparator, s.DecimalSeparator })
            .FirstOrDefaultAsync(cancellationToken);
        var own = userId is null ? null : await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Language, u.TimeZone }).FirstOrDefaultAsync(cancellationToken);

        Language = Pick(own?.Language, Languages) ?? Pick(organisation?.DefaultLanguage, Languages) ?? DefaultLanguage;
        TimeZone = FindZone(own?.TimeZone) ?? FindZone(organisation?.TimeZone) ?? TimeZoneInfo.Utc;
        DateFormat = Pick(organisation?.DateFormat, DateFormats) ?? DefaultDateFormat;
        ThousandsSeparator = Pick(organisation?.ThousandsSeparator, ThousandsSeparators) ?? ",";
        DecimalSeparator = Pick(organisation?.DecimalSeparator, DecimalSeparators) ?? ".";
        if (ThousandsSeparator == DecimalSeparator)
        {
            (ThousandsSeparator, DecimalSeparator) = (",", ".");
        }
    }

    /// <summary>An instant (stored in UTC) as a date and a time in the reader's time zone.</summary>
    public string Instant(DateTime utc) => Local(utc).ToString(DatePattern + " HH:mm", CultureInfo.InvariantCulture);

    public string Instant(DateTime? utc, string none) => utc is { } at ? Instant(at) : none;

    /// <summary>The day of an instant in the reader's time zone.</summary>
    public string Date(DateTime utc) => Local(utc).ToString(DatePattern, CultureInfo.InvariantCulture);

    /// <summary>A calendar day (a deal's expected close), in the organisation's date format.</summary>
    public string Day(DateOnly day) => day.ToString(DatePattern, CultureInfo.InvariantCulture);

    /// <summary>
    /// The instant (UTC) a day begins in the reader's time zone: a date filter means the reader's
    /// day, not UTC's. Where a clock change skips midnight, the day begins at the first valid hour.
    /// </summary>
    public DateTime StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }

    /// <summary>A number with the organisation's separators.</summary>
    public string Number(decimal value, int decimals = 0)
    {
        var format = (NumberFormatInfo)CultureInfo.InvariantCulture.NumberFormat.Clone();
        format.NumberGroupSeparator = ThousandsSeparator;
        format.NumberDecimalSeparator = DecimalSeparator;
        return value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), format);
    }

    public string Number(long value) => Number((decimal)value);

    /// <summary>The time zone's IANA name, to say in which zone times are shown.</summary>
    public string TimeZoneName => TimeZone.HasIanaId ? TimeZone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(TimeZone.Id, out var iana) ? iana : TimeZone.Id;

    private string DatePattern => DateFormat switch
    {
        "DD/MM/YYYY" => "dd/MM/yyyy",
        "MM/DD/YYYY" => "MM/dd/yyyy",
        _ => "yyyy-MM-dd",
    };

    private DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    private static string? Pick(string? value, IReadOnlyList<string> allowed) =>
        value is not null && allowed.Contains(value, StringComparer.Ordinal) ? value : null;

    /// <summary>An IANA time zone id the system knows, or null.</summary>
    public static TimeZoneInfo? FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId ? zone : null;
}
