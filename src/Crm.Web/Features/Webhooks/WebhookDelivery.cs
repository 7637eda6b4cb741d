using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first attempt or for its next retry; while the endpoint is disabled, held until it is enabled again.</summary>
    Pending = 0,
    Delivered = 1,

    /// <summary>Every retry failed, or the endpoint answered 410 Gone; replay sends it again.</summary>
    Failed = 2,

    /// <summary>Held while the endpoint was disabled, and dropped by the administrator who enabled it again; replay still sends it.</summary>
    Dropped = 3,
}

/// <summary>
/// One event for one endpoint: its body is built once (as the endpoint's integration user reads the
/// record) and sent unchanged on every retry and replay, under the same <c>webhook-id</c>, so
/// receivers can de-duplicate. Leased by one sender at a time, like the email outbox.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid EndpointId { get; set; }

    /// <summary><c>companies.created</c>, <c>webhook.test</c>, …</summary>
    public string EventType { get; set; } = "";

    /// <summary>The audit entry the event was read from; null for a test event.</summary>
    public long? AuditEntryId { get; set; }

    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public Guid? LeaseOwner { get; set; }
    public DateTime? LeasedUntil { get; set; }

    /// <summary>The <c>webhook-id</c> header: stable for the delivery's whole life.</summary>
    public string MessageId => "msg_" + Id.ToString("N");

    internal sealed class Configuration : IEntityTypeConfiguration<WebhookDelivery>
    {
        public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
        {
            builder.ToTable("WebhookDeliveries");
            builder.Property(d => d.EventType).HasMaxLength(100);
            builder.Property(d => d.LastError).HasMaxLength(2000);
            builder.Ignore(d => d.MessageId);
            builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
            builder.HasIndex(d => new { d.EndpointId, d.CreatedAt });
            builder.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>One try of a delivery: when, the answer's status and first 2 KB, how long, the error. Bodies only in debug mode.</summary>
public sealed class WebhookAttempt
{
    public const int ExcerptLength = 2048;

    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public Guid EndpointId { get; set; }
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public bool Succeeded { get; set; }
    public string? Response { get; set; }
    public string? Error { get; set; }
    public string? RequestBody { get; set; }
    public string? ResponseBody { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<WebhookAttempt>
    {
        public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
        {
            builder.ToTable("WebhookAttempts");
            builder.Property(a => a.Response).HasMaxLength(ExcerptLength);
            builder.Property(a => a.Error).HasMaxLength(2000);
            builder.HasIndex(a => new { a.EndpointId, a.At });
            builder.HasIndex(a => new { a.DeliveryId, a.Id });
            builder.HasIndex(a => a.At);
            builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>The one row saying how far the sealed audit trail has been turned into deliveries (<see cref="AuditSealSeq"/>).</summary>
public sealed class WebhookCursor : Audit.IAuditCursor
{
    public int Id { get; set; }

    /// <summary>The last <see cref="Audit.AuditSeal.Seq"/> read; the next fan-out starts after it.</summary>
    public long AuditSealSeq { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<WebhookCursor>
    {
        public void Configure(EntityTypeBuilder<WebhookCursor> builder)
        {
            builder.ToTable("WebhookCursor");
            builder.Property(c => c.Id).ValueGeneratedNever();
        }
    }
}
