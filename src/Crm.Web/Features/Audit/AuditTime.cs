using System.Globalization;
using Crm.Web.Features.Settings;

namespace Crm.Web.Features.Audit;

/// <summary>
/// How audit and activity times are shown. Pages show them in the reader's time zone and date
/// format (<see cref="Formats"/>), to the second; the API and the activity-log summaries keep UTC
/// (the stored instants are UTC).
/// </summary>
public static class AuditTime
{
    public static string Format(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The instant in the reader's time zone, in their date format, with seconds (an audit needs them).</summary>
    public static string Format(DateTime utc, Formats formats)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc.ToUniversalTime(), DateTimeKind.Utc), formats.TimeZone);
        var date = formats.DateFormat switch
        {
            "DD/MM/YYYY" => "dd/MM/yyyy",
            "MM/DD/YYYY" => "MM/dd/yyyy",
            _ => "yyyy-MM-dd",
        };
        return local.ToString(date + " HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
