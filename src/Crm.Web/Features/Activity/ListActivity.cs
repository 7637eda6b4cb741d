using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Activity;

/// <summary>What the weekly review flags (<c>Audit:MassDeletion</c>, <c>Audit:BusinessHours</c>).</summary>
public sealed class ActivityReviewOptions
{
    /// <summary>More than <see cref="MassDeletionCount"/> deletions by one user within <see cref="MassDeletionMinutes"/> minutes is a mass deletion.</summary>
    public int MassDeletionCount { get; init; } = 20;
    public int MassDeletionMinutes { get; init; } = 10;

    public TimeOnly BusinessStart { get; init; } = new(7, 0);
    public TimeOnly BusinessEnd { get; init; } = new(19, 0);
    public TimeZoneInfo BusinessTimeZone { get; init; } = TimeZoneInfo.Utc;
    public IReadOnlySet<DayOfWeek> BusinessDays { get; init; } = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

    /// <summary>Reads the configuration; a bad value falls back to the default rather than stopping the page.</summary>
    public static ActivityReviewOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Audit");
        var defaults = new ActivityReviewOptions();
        var zone = section["BusinessHours:TimeZone"];
        var days = section["BusinessHours:Days"];
        return new ActivityReviewOptions
        {
            MassDeletionCount = int.TryParse(section["MassDeletion:Count"], CultureInfo.InvariantCulture, out var count) && count > 0 ? count : defaults.MassDeletionCount,
            MassDeletionMinutes = int.TryParse(section["MassDeletion:Minutes"], CultureInfo.InvariantCulture, out var minutes) && minutes > 0 ? minutes : defaults.MassDeletionMinutes,
            BusinessStart = TimeOnly.TryParse(section["BusinessHours:Start"], CultureInfo.InvariantCulture, out var start) ? start : defaults.BusinessStart,
            BusinessEnd = TimeOnly.TryParse(section["BusinessHours:End"], CultureInfo.InvariantCulture, out var end) ? end : defaults.BusinessEnd,
            BusinessTimeZone = zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? tz : defaults.BusinessTimeZone,
            BusinessDays = string.IsNullOrWhiteSpace(days) ? defaults.BusinessDays
                : days.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(d => Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var day) ? day : (DayOfWeek?)null).OfType<DayOfWeek>().ToHashSet(),
        };
    }

    public bool IsBusinessTime(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), BusinessTimeZone);
        var time = TimeOnly.FromDateTime(local);
        return BusinessDays.Contains(local.DayOfWeek) && time >= BusinessStart && time < BusinessEnd;
    }
}

public static class ActivityFlags
{
    public const string MassDeletion = "mass-deletion";
    public const string OutsideBusinessHours = "outside-business-hours";
    public const string NewIp = "new-ip";
}

public sealed record ActivityQuery(Guid? UserId = null, string? Kind = null, DateTime? From = null, DateTime? To = null, string? Ip = null,
    bool FlaggedOnly = false, string? Cursor = null, int? PageSize = null);

public sealed record ActivityItem(long Id, DateTime At, string When, string Kind, Guid? ActorUserId, string ActorName, Guid? SubjectUserId,
    string Summary, string? IpAddress, string? UserAgent, string? RequestId, IReadOnlyList<string> Flags);

public sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, string? NextCursor);

/// <summary>
/// The activity log for administrators, newest first, keyset-paged: filters by user (who acted or
/// whom it concerned), kind, period and IP, and the weekly review's flags — mass deletions (from the
/// audit trail's deletions), sign-ins outside business hours (in the configured time zone) and
/// sign-ins from an IP never seen before for that user. "Flagged only" scans on in batches.
/// </summary>
public sealed class ListActivity(CrmDb db, IConfiguration configuration)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int ScanBatch = 200;
    private const int ScanLimit = 5000;

    public async Task<Result<ActivityPage>> RunAsync(Actor actor, ActivityQuery query, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<ActivityPage>.Forbidden("Only administrators may read the activity log.");
        }

        var errors = new FieldErrors();
        var before = errors.BeforeCursor(query.Cursor);
        var size = errors.PageSize(query.PageSize, DefaultPageSize, MaxPageSize);

        if (query.From is { } f && query.To is { } t && f > t)
        {
            errors.Add("to", "The end of the period must not be before its start.");
        }

        if (errors.Any)
        {
            return Result<ActivityPage>.Invalid(errors);
        }

        var rows = db.ActivityLog.AsNoTracking();
        if (query.UserId is { } user)
        {
            rows = rows.Where(e => e.ActorUserId == user || e.SubjectUserId == user);
        }

        if (!string.IsNullOrWhiteSpace(query.Kind))
        {
            var kind = query.Kind.Trim();
            rows = rows.Where(e => e.Kind == kind);
        }

        if (query.From is { } from)
        {
            var utc = from.ToUniversalTime();
            rows = rows.Where(e => e.At >= utc);
        }

        if (query.To is { } to)
        {
            var utc = to.ToUniversalTime();
            rows = rows.Where(e => e.At < utc);
        }

        if (!string.IsNullOrWhiteSpace(query.Ip))
        {
            var ip = query.Ip.Trim();
            rows = rows.Where(e => e.IpAddress == ip);
        }

        var options = ActivityReviewOptions.From(configuration);
        var items = new List<ActivityItem>();
        var scanned = 0;
        long? last = before;
        var more = false;
        while (true)
        {
            var batchQuery = last is { } b ? rows.Where(e => e.Id < b) : rows;
            var take = query.FlaggedOnly ? ScanBatch : size + 1;
            var batch = await batchQuery.OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);
            foreach (var entry in batch)
            {
                if (items.Count == size)
                {
                    more = true;
                    break;
                }

                var flags = await FlagsAsync(entry, options, cancellationToken);
                last = entry.Id;
                scanned++;
                if (!query.FlaggedOnly || flags.Count > 0)
                {
                    items.Add(new ActivityItem(entry.Id, entry.At, AuditTime.Format(entry.At), entry.Kind, entry.ActorUserId, entry.ActorName, entry.SubjectUserId,
                        entry.Summary, entry.IpAddress, entry.UserAgent, entry.RequestId, flags));
                }
            }

            if (more || batch.Count < take || !query.FlaggedOnly)
            {
                more = more || (!query.FlaggedOnly && batch.Count > size);
                break;
            }

            if (scanned >= ScanLimit)
            {
                // Stop scanning; the cursor continues from here.
                more = true;
                break;
            }
        }

        return Result<ActivityPage>.Ok(new ActivityPage(items, more && last is { } next ? next.ToString(CultureInfo.InvariantCulture) : null));
    }

    private async Task<List<string>> FlagsAsync(ActivityEntry entry, ActivityReviewOptions options, CancellationToken cancellationToken)
    {
        var flags = new List<string>();
        if (entry.Kind == ActivityKinds.SignIn && entry.ActorUserId is { } signedIn)
        {
            if (!options.IsBusinessTime(entry.At))
            {
                flags.Add(ActivityFlags.OutsideBusinessHours);
            }

            if (entry.IpAddress is { } ip && !await db.ActivityLog.AnyAsync(
                    e => e.Kind == ActivityKinds.SignIn && e.ActorUserId == signedIn && e.IpAddress == ip && e.Id < entry.Id, cancellationToken))
            {
                flags.Add(ActivityFlags.NewIp);
            }
        }

        if (entry.Kind.EndsWith("-deleted", StringComparison.Ordinal) && entry.ActorUserId is { } deleter)
        {
            var window = TimeSpan.FromMinutes(options.MassDeletionMinutes);
            var start = entry.At - window;
            var end = entry.At + window;
            var deletions = await db.AuditEntries.AsNoTracking()
                .Where(a => a.ActorUserId == deleter && a.Action == AuditActions.Deleted && a.At >= start && a.At <= end)
                .Select(a => a.At).ToListAsync(cancellationToken);
            // Any window of the configured length that contains this entry and more than N deletions.
            var before = deletions.Count(d => d <= entry.At && d >= start);
            var after = deletions.Count(d => d >= entry.At && d <= end);
            if (before > options.MassDeletionCount || after > options.MassDeletionCount)
            {
                flags.Add(ActivityFlags.MassDeletion);
            }
        }

        return flags;
    }

    /// <summary>The kinds present in the log (for the kind filter).</summary>
    public async Task<IReadOnlyList<string>> KindsAsync(CancellationToken cancellationToken) =>
        await db.ActivityLog.AsNoTracking().Select(e => e.Kind).Distinct().OrderBy(k => k).ToListAsync(cancellationToken);
}
