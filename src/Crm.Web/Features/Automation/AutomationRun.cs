using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Automation;

/// <summary>
/// One evaluation of a rule against one change: the trigger, the record, each condition's outcome
/// with the values compared (<see cref="Steps"/>, JSON), the rule's version then, how long it took,
/// and the actions it queued (<see cref="AutomationActionRun"/>). Runs that did not match are kept
/// too, so "why did my rule not fire" has an answer.
/// </summary>
public sealed class AutomationRun
{
    public Guid Id { get; set; }
    public Guid RuleId { get; set; }
    public int RuleVersion { get; set; }
    public long? AuditEntryId { get; set; }
    public string Module { get; set; } = "";
    public int RecordId { get; set; }

    /// <summary>
    /// The record's key when it is no whole number (a user's GUID; <see cref="RecordId"/> is 0 then),
    /// as the audit trail writes it; null for the CRM's records (ADR 0050).
    /// </summary>
    public string? RecordKey { get; set; }

    public string RecordLabel { get; set; } = "";

    /// <summary>created, updated or deleted: the change that fired the rule.</summary>
    public string Trigger { get; set; } = "";

    public DateTime At { get; set; }
    public bool Matched { get; set; }

    /// <summary>JSON array of <see cref="ConditionOutcome"/>.</summary>
    public string Steps { get; set; } = "[]";

    public int DurationMs { get; set; }
    public string? Error { get; set; }

    /// <summary>How many automation changes led to this one (0: a person's change).</summary>
    public int Depth { get; set; }

    /// <summary>The rule and record pairs of the chain so far (<c>rule/module/id</c>, space-separated), this one included.</summary>
    public string Chain { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationRun>
    {
        public void Configure(EntityTypeBuilder<AutomationRun> builder)
        {
            builder.ToTable("AutomationRuns");
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.Property(r => r.RecordKey).HasMaxLength(100);
            builder.Property(r => r.RecordLabel).HasMaxLength(300);
            builder.Property(r => r.Trigger).HasMaxLength(20);
            builder.Property(r => r.Error).HasMaxLength(2000);
            builder.Property(r => r.Chain).HasMaxLength(1000);
            builder.HasIndex(r => new { r.RuleId, r.At });
            builder.HasOne<AutomationRule>().WithMany().HasForeignKey(r => r.RuleId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

public enum AutomationActionStatus
{
    /// <summary>Waiting for its first attempt or for its next retry.</summary>
    Pending = 0,
    Done = 1,

    /// <summary>Every retry failed, or the action can never succeed (its user is gone).</summary>
    Failed = 2,
}

/// <summary>
/// One action a matching run queued, done after the change committed: leased by one worker at a
/// time and retried with backoff like a webhook delivery; its outcome or last error is shown in the run log.
/// </summary>
public sealed class AutomationActionRun
{
    public Guid Id { get; set; }

    /// <summary>The run that queued it, and its rule (kept here so a rule's failures are counted without the run).</summary>
    public Guid RunId { get; set; }
    public Guid RuleId { get; set; }

    /// <summary>Its place in the rule's list of actions, from 1, and its kind (<see cref="ActionKinds"/>).</summary>
    public int Position { get; set; }
    public string Kind { get; set; } = "";

    /// <summary>JSON of <see cref="PlannedAction"/>: what to do, decided when the rule ran (texts rendered, people chosen).</summary>
    public string Plan { get; set; } = "{}";

    public DateTime CreatedAt { get; set; }
    public AutomationActionStatus Status { get; set; }

    /// <summary>Tries so far; the next is due at <see cref="NextAttemptAt"/> while pending.</summary>
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }

    /// <summary>The worker's pass that holds the action while doing it, until <see cref="LeasedUntil"/> (a crashed instance's lease lapses).</summary>
    public Guid? LeaseOwner { get; set; }
    public DateTime? LeasedUntil { get; set; }

    /// <summary>When it was done and what it did ("Created task 12."), or why the last try failed.</summary>
    public DateTime? DoneAt { get; set; }
    public string? Outcome { get; set; }
    public string? LastError { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationActionRun>
    {
        public void Configure(EntityTypeBuilder<AutomationActionRun> builder)
        {
            builder.ToTable("AutomationActionRuns");
            builder.HasOne<AutomationRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
            // The worker's claim reads due pending actions; a run's log reads its actions in order.
            builder.HasIndex(a => new { a.Status, a.NextAttemptAt });
            builder.HasIndex(a => new { a.RunId, a.Position });
            builder.Property(a => a.Kind).HasMaxLength(20);
            builder.Property(a => a.Outcome).HasMaxLength(2000);
            builder.Property(a => a.LastError).HasMaxLength(2000);
        }
    }
}

/// <summary>The one row saying how far the sealed audit trail has been read for automation.</summary>
public sealed class AutomationCursor : Audit.IAuditCursor
{
    public int Id { get; set; }
    public long AuditSealSeq { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<AutomationCursor>
    {
        public void Configure(EntityTypeBuilder<AutomationCursor> builder)
        {
            builder.ToTable("AutomationCursor");
            builder.Property(c => c.Id).ValueGeneratedNever();
        }
    }
}
