using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Email;

public enum EmailStatus
{
    Queued = 0,
    Sent = 1,
    Blocked = 2,
    Discarded = 3,
}

/// <summary>
/// A message in the outbox, written in the same transaction as the change that caused it. The
/// body is encrypted with Data Protection: it may carry a single-use link.
/// </summary>
public sealed class OutgoingEmail
{
    public const int SubjectMaxLength = 300;

    public Guid Id { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string ProtectedBody { get; set; } = "";

    /// <summary>The HTML alternative of the body, encrypted like it; null for a text-only message.</summary>
    public string? ProtectedHtmlBody { get; set; }
    public string Purpose { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public EmailStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>The delivery run that holds this message while it talks to the server.</summary>
    public Guid? LeaseOwner { get; set; }

    /// <summary>When an unfinished lease lapses (a crashed instance), so another run may take the message.</summary>
    public DateTime? LeasedUntil { get; set; }

    /// <summary>The user's sending account this message goes through (a mailing's); null: the instance's SMTP server.</summary>
    public int? SendingAccountId { get; set; }

    /// <summary>The mailing this message belongs to, for its delivery counts.</summary>
    public int? MailingId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OutgoingEmail>
    {
        public void Configure(EntityTypeBuilder<OutgoingEmail> builder)
        {
            builder.ToTable("OutgoingEmails");
            builder.Property(e => e.To).HasMaxLength(256);
            builder.Property(e => e.Subject).HasMaxLength(SubjectMaxLength);
            builder.Property(e => e.Purpose).HasMaxLength(50);
            builder.Property(e => e.LastError).HasMaxLength(2000);
            builder.HasIndex(e => new { e.Status, e.NextAttemptAt });

            // The rate limit counts an account's recent sends; a mailing's page counts its messages.
            builder.HasIndex(e => new { e.SendingAccountId, e.SentAt });
            builder.HasIndex(e => new { e.MailingId, e.Status });
        }
    }
}
