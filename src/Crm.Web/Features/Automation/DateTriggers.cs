using Crm.Web.Data;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Automation;

/// <summary>A record whose date makes a rule due: its ID, label and the date's value.</summary>
public sealed record DueRecord(int Id, string Label, DateOnly Date);

/// <summary>
/// A date field a rule can wait for (a deal's expected close, a task's due date). <see cref="Unfired"/>
/// gives the module's records whose date lies between two days (an indexed range on the date's
/// column) and on which the rule has not fired yet for that date.
/// </summary>
public sealed record DateField(string Module, string Field, string Label, Func<CrmDb, Guid, DateOnly, DateOnly, IQueryable<DueRecord>> Unfired);

/// <summary>The one list of date fields rules can be timed on; a later module (contracts: end date) joins with its line here.</summary>
public static class DateTriggers
{
    public static readonly IReadOnlyList<DateField> All =
    [
        Of<Deal>(CrmModules.Deals, "expectedClose", "Expected close", nameof(Deal.ExpectedClose), nameof(Deal.Title)),
        Of<CrmTask>(CrmModules.Tasks, "dueDate", "Due date", nameof(CrmTask.DueDate), nameof(CrmTask.Title)),
    ];

    public static DateField? Find(string? module, string? field) => All.FirstOrDefault(d => d.Module == module && d.Field == field);

    public static IEnumerable<DateField> Of(string? module) => All.Where(d => d.Module == module);

    /// <summary>A firing in words: "7 days before Expected close", "on Due date", "1 day after Due date", "4 hours before Expected close", "1 day and 2 hours after Due date".</summary>
    public static string Describe(DateField field, int offsetDays, int offsetHours = 0)
    {
        var hours = Hours(offsetDays, offsetHours);
        if (hours == 0)
        {
            return $"on {field.Label}";
        }

        var (days, rest) = (Math.Abs(hours) / 24, Math.Abs(hours) % 24);
        var span = string.Join(" and ", new[] { days == 0 ? null : $"{days} day{(days == 1 ? "" : "s")}", rest == 0 ? null : $"{rest} hour{(rest == 1 ? "" : "s")}" }.OfType<string>());
        return $"{span} {(hours < 0 ? "before" : "after")} {field.Label}";
    }

    /// <summary>A rule's whole offset in hours: its days and its hours.</summary>
    public static long Hours(int offsetDays, int offsetHours) => (offsetDays * 24L) + offsetHours;

    /// <summary>Whole days of an offset in hours, rounded down: -4 hours fall on the day before (at 20:00).</summary>
    public static int FloorDays(long hours) => (int)Math.Floor(hours / 24.0);

    private static DateField Of<T>(ModuleDefinition module, string field, string label, string dateColumn, string labelColumn)
        where T : OwnedRecord =>
        new(module.Key, field, label, (db, rule, from, to) => db.Set<T>()
            .Where(r => EF.Property<DateOnly?>(r, dateColumn) >= from && EF.Property<DateOnly?>(r, dateColumn) <= to)
            .Where(r => !db.Set<AutomationOccurrence>().Any(o => o.RuleId == rule && o.RecordId == r.Id && (DateOnly?)o.FieldDate == EF.Property<DateOnly?>(r, dateColumn)))
            .OrderBy(r => EF.Property<DateOnly?>(r, dateColumn)).ThenBy(r => r.Id)
            .Select(r => new DueRecord(r.Id, EF.Property<string>(r, labelColumn), EF.Property<DateOnly?>(r, dateColumn)!.Value)));
}

/// <summary>
/// One firing of a date rule on one record: the key (rule, record, the date's value then) can be
/// written once, so a rule fires once per record and date whatever the number of instances,
/// restarts or catch-ups; a changed date is a new occurrence. Kept until it can no longer be due
/// again (<see cref="PruneAutomationRuns"/>).
/// </summary>
public sealed class AutomationOccurrence
{
    public Guid RuleId { get; set; }
    public int RecordId { get; set; }

    /// <summary>The date field's value that made the rule due.</summary>
    public DateOnly FieldDate { get; set; }

    /// <summary>The organisation's day it was due (<see cref="FieldDate"/> plus the rule's offset).</summary>
    public DateOnly DueOn { get; set; }

    public DateTime FiredAt { get; set; }

    /// <summary>The run it logged (null when the rule did not run: its automation user was gone).</summary>
    public Guid? RunId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationOccurrence>
    {
        public void Configure(EntityTypeBuilder<AutomationOccurrence> builder)
        {
            builder.ToTable("AutomationOccurrences");
            builder.HasKey(o => new { o.RuleId, o.RecordId, o.FieldDate });
            builder.HasIndex(o => o.FiredAt);
            builder.HasOne<AutomationRule>().WithMany().HasForeignKey(o => o.RuleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
