using System.Globalization;

namespace Crm.Web.Features.Audit;

/// <summary>
/// How audit and activity times are shown: the one place to change when users get their own
/// time zone (the stored instants stay UTC).
/// </summary>
public static class AuditTime
{
    public static string Format(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
}
