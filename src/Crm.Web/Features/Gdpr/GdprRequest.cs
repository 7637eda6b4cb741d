using Crm.Web.Features.Account;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// A data-protection rights request in the register (seed 004, "GDPR — rights requests"): what the
/// person asked for, who they are (an email address and/or a contact or lead), when it came in and
/// who took it, where it stands, and the legal deadline of 30 days from receipt.
/// </summary>
public sealed class GdprRequest
{
    public const int EmailMaxLength = 256;
    public const int ReasonMaxLength = 2000;
    public const int NotesMaxLength = 4000;

    /// <summary>The legal answer period, counted in calendar days from the day the request was received.</summary>
    public const int DeadlineDays = 30;

    public int Id { get; set; }

    /// <summary>access, portability, erasure or rectification (<see cref="GdprKinds"/>).</summary>
    public string Kind { get; set; } = GdprKinds.Access;

    /// <summary>The person's email address as given (trimmed); empty when only a record names them.</summary>
    public string? Email { get; set; }

    /// <summary>The contact or lead chosen as the person (<c>contacts</c> or <c>leads</c>), with its ID; no foreign key, like a memo's related record.</summary>
    public string? PersonModule { get; set; }

    public int? PersonId { get; set; }

    /// <summary>The calendar day the request reached the organisation: the deadline counts from it.</summary>
    public DateOnly ReceivedOn { get; set; }

    /// <summary>The user who took the request; cleared if that user is deleted.</summary>
    public Guid? ReceivedById { get; set; }

    /// <summary>open, in-progress, answered or refused (<see cref="GdprStatuses"/>).</summary>
    public string Status { get; set; } = GdprStatuses.Open;

    /// <summary>Why a refused request was refused (required then, empty otherwise).</summary>
    public string? RefusalReason { get; set; }

    public string? Notes { get; set; }

    /// <summary>The day it was answered or refused.</summary>
    public DateOnly? ClosedOn { get; set; }

    /// <summary>The last deadline reminder sent to administrators (<see cref="GdprReminderStage"/>), so each is sent once.</summary>
    public int RemindersSent { get; set; }

    public DateTime CreatedAt { get; set; }
    public Guid? CreatedById { get; set; }
    public DateTime ModifiedAt { get; set; }

    public DateOnly Deadline => ReceivedOn.AddDays(DeadlineDays);

    public bool IsClosed => GdprStatuses.IsClosed(Status);

    internal sealed class Configuration : IEntityTypeConfiguration<GdprRequest>
    {
        public void Configure(EntityTypeBuilder<GdprRequest> builder)
        {
            builder.ToTable("GdprRequests");
            builder.Ignore(r => r.Deadline);
            builder.Ignore(r => r.IsClosed);
            builder.Property(r => r.Kind).HasMaxLength(20);
            builder.Property(r => r.Email).HasMaxLength(EmailMaxLength);
            builder.Property(r => r.PersonModule).HasMaxLength(20);
            builder.Property(r => r.Status).HasMaxLength(20);
            builder.Property(r => r.RefusalReason).HasMaxLength(ReasonMaxLength);
            builder.Property(r => r.Notes).HasMaxLength(NotesMaxLength);
            builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.ReceivedById).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(r => r.ReceivedById);
            // Open requests by deadline: the register, the reminders and the health counts read this.
            builder.HasIndex(r => new { r.Status, r.ReceivedOn });
        }
    }
}

public static class GdprKinds
{
    public const string Access = "access";
    public const string Portability = "portability";
    public const string Erasure = "erasure";
    public const string Rectification = "rectification";

    public static readonly IReadOnlyList<string> All = [Access, Portability, Erasure, Rectification];

    public static string Title(string kind) => kind switch
    {
        Access => "Access",
        Portability => "Portability",
        Erasure => "Erasure",
        Rectification => "Rectification",
        _ => kind,
    };
}

public static class GdprStatuses
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Answered = "answered";
    public const string Refused = "refused";

    public static readonly IReadOnlyList<string> All = [Open, InProgress, Answered, Refused];

    /// <summary>What an edit may set; answered and refused come only from closing the request.</summary>
    public static readonly IReadOnlyList<string> Working = [Open, InProgress];

    public static readonly IReadOnlyList<string> Closing = [Answered, Refused];

    public static bool IsClosed(string status) => status is Answered or Refused;

    public static string Title(string status) => status switch
    {
        Open => "Open",
        InProgress => "In progress",
        Answered => "Answered",
        Refused => "Refused",
        _ => status,
    };
}

/// <summary>The deadline reminders, in the order they are due; a request remembers the last one sent.</summary>
public static class GdprReminderStage
{
    public const int None = 0;
    public const int SevenDays = 1;
    public const int OneDay = 2;
    public const int Overdue = 3;

    /// <summary>The reminder due <paramref name="daysLeft"/> days before the deadline (negative: past it).</summary>
    public static int Of(int daysLeft) => daysLeft < 0 ? Overdue : daysLeft <= 1 ? OneDay : daysLeft <= 7 ? SevenDays : None;
}
