using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>One kind's period as given by the administrator (null or absent: keep forever).</summary>
public sealed record RetentionInput(string? Trail, string? Kind, int? KeepDays);

/// <summary>
/// Sets the retention periods: the given list replaces the current one (a kind left out is kept
/// forever). Each kind must be known and each period 1 to 36,500 days. The change and its
/// activity-log line are saved together; the new periods apply from the retention job's next run.
/// </summary>
public sealed class SaveRetention(CrmDb db, RetentionKinds kinds, ActivityLog activity, TimeProvider clock)
{
    public const int MaxDays = 36_500;

    public async Task<Result<IReadOnlyList<RetentionKindView>>> RunAsync(Actor actor, IReadOnlyList<RetentionInput>? input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<RetentionKindView>>.Forbidden("Only administrators can change the retention periods.");
        }

        if (actor.IsPreview)
        {
            return Result<IReadOnlyList<RetentionKindView>>.Forbidden("Settings cannot be changed while previewing as another user.");
        }

        var errors = new FieldErrors();
        var wanted = new Dictionary<(string Trail, string Kind), int>();
        foreach (var item in input ?? [])
        {
            var trail = item.Trail?.Trim() ?? "";
            var kind = item.Kind?.Trim() ?? "";
            var field = $"{trail}.{kind}";
            if (!kinds.IsKnown(trail, kind))
            {
                errors.Add(field, $"'{AuditNames.Bound(field, 80)}' is not a kind of history or activity entry.");
                continue;
            }

            if (item.KeepDays is null)
            {
                continue;
            }

            if (item.KeepDays is < 1 or > MaxDays)
            {
                errors.Add(field, $"Keep entries for 1 to {MaxDays} days, or leave the field empty to keep them forever.");
            }
            else if (!wanted.TryAdd((trail, kind), item.KeepDays.Value))
            {
                errors.Add(field, "This kind is given twice.");
            }
        }

        if (errors.Any)
        {
            return Result<IReadOnlyList<RetentionKindView>>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var current = await db.RetentionPeriods.ToListAsync(cancellationToken);
        var notes = new List<string>();
        foreach (var period in current)
        {
            if (!wanted.TryGetValue((period.Trail, period.Kind), out var days))
            {
                db.RetentionPeriods.Remove(period);
                notes.Add($"{period.Trail} of {period.Kind}: {period.KeepDays} days → forever");
            }
            else if (days != period.KeepDays)
            {
                notes.Add($"{period.Trail} of {period.Kind}: {period.KeepDays} → {days} days");
                period.KeepDays = days;
                period.ChangedAt = now;
            }
        }

        foreach (var ((trail, kind), days) in wanted.Where(w => !current.Any(c => c.Trail == w.Key.Trail && c.Kind == w.Key.Kind)))
        {
            db.RetentionPeriods.Add(new RetentionPeriod { Trail = trail, Kind = kind, KeepDays = days, ChangedAt = now });
            notes.Add($"{trail} of {kind}: forever → {days} days");
        }

        if (notes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.SettingsChanged, $"Changed the retention periods: {string.Join("; ", notes.Order(StringComparer.Ordinal))}.");
            await db.SaveChangesAsync(cancellationToken);
        }

        var views = wanted.Select(w => new RetentionKindView(w.Key.Trail, w.Key.Kind, w.Value)).OrderBy(v => v.Trail).ThenBy(v => v.Kind).ToList();
        return Result<IReadOnlyList<RetentionKindView>>.Ok(views);
    }
}
