using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Automation;

/// <summary>
/// An administrator's rule: when a record of <see cref="Module"/> is created, updated or deleted
/// (<see cref="Trigger"/>) and the conditions hold, run the actions, acting as
/// <see cref="AutomationUserId"/>: the rule reads and changes only what that user may. The
/// conditions and actions are kept as JSON (<see cref="RuleDefinition"/>); every change is audited
/// as usual, old → new, and bumps <see cref="Version"/>, which each run records.
/// </summary>
public sealed class AutomationRule
{
    public const int NameMaxLength = 100;
    public const int ValueMaxLength = 500;
    public const int DefinitionMaxLength = 20000;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Module { get; set; } = "";

    /// <summary><see cref="AutomationTriggers"/>: created, updated, deleted, or a date reached.</summary>
    public string Trigger { get; set; } = AutomationTriggers.Created;

    /// <summary>For an update: fires only when this field changed (null: any change). For a date reached: the date field (<see cref="DateTriggers"/>).</summary>
    public string? TriggerField { get; set; }

    /// <summary>For an update of <see cref="TriggerField"/>: fires only when it changed to this value.</summary>
    public string? TriggerValue { get; set; }

    /// <summary>For a date reached: the days from <see cref="TriggerField"/>'s date to the day the rule fires (negative: before it).</summary>
    public int? TriggerOffsetDays { get; set; }

    /// <summary>For a date reached: hours added to <see cref="TriggerOffsetDays"/> (-4: at 20:00 the day before), counted from the date's start in the organisation's calendar.</summary>
    public int? TriggerOffsetHours { get; set; }

    /// <summary>For a schedule: the time of day, in the organisation's time zone, the rule runs over the module's records (<see cref="FireScheduledRules"/>).</summary>
    public TimeOnly? TriggerTime { get; set; }

    /// <summary>JSON of <see cref="RuleConditions"/>.</summary>
    public string Conditions { get; set; } = "";

    /// <summary>JSON array of <see cref="RuleAction"/>, run in this order.</summary>
    public string Actions { get; set; } = "[]";

    public bool IsEnabled { get; set; }

    /// <summary>Why the CRM stopped the rule on its own (its automation user was deactivated); null otherwise.</summary>
    public string? StoppedReason { get; set; }

    /// <summary>The administrator answerable for the rule.</summary>
    public Guid? OwnerId { get; set; }

    /// <summary>The user the rule acts as: its permissions bound what the rule reads and does.</summary>
    public Guid AutomationUserId { get; set; }

    public int Version { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime ModifiedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationRule>
    {
        public void Configure(EntityTypeBuilder<AutomationRule> builder)
        {
            builder.ToTable("AutomationRules");
            builder.Property(r => r.Name).HasMaxLength(NameMaxLength);
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.Property(r => r.Trigger).HasMaxLength(20);
            builder.Property(r => r.TriggerField).HasMaxLength(100);
            builder.Property(r => r.TriggerValue).HasMaxLength(ValueMaxLength);
            builder.Property(r => r.Conditions).HasMaxLength(DefinitionMaxLength);
            builder.Property(r => r.Actions).HasMaxLength(DefinitionMaxLength);
            builder.Property(r => r.StoppedReason).HasMaxLength(500);
            builder.HasIndex(r => new { r.Module, r.IsEnabled });
            builder.HasIndex(r => r.AutomationUserId);
            builder.HasIndex(r => r.OwnerId);
            // A rule cannot act without its automation user; an owner who leaves leaves the rule ownerless.
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(r => r.AutomationUserId).OnDelete(DeleteBehavior.Cascade);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.SetNull);
        }
    }
}

public static class AutomationTriggers
{
    public const string Created = AuditActions.Created;
    public const string Updated = AuditActions.Updated;
    public const string Deleted = AuditActions.Deleted;

    /// <summary>A date field of the record plus or minus some days is today (<see cref="FireDateRules"/>): once per record and date.</summary>
    public const string DateReached = "date-reached";

    /// <summary>Every day at <see cref="AutomationRule.TriggerTime"/> (the organisation's time zone), over the module's records that match (<see cref="FireScheduledRules"/>): once per record and day.</summary>
    public const string Schedule = "schedule";

    /// <summary>A named event of the module (<see cref="ModuleEvents"/>: a lead converted), its key in the rule's trigger field.</summary>
    public const string Event = "event";

    public static readonly IReadOnlyList<string> All = [Created, Updated, Deleted, DateReached, Event, Schedule];
}
