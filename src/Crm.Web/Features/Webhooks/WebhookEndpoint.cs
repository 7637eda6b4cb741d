using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Webhooks;

/// <summary>
/// A receiver of the CRM's record events: where they go, which modules and events it wants, and the
/// integration user whose permissions shape every payload. The signing secret is kept encrypted with
/// Data Protection (it must be read back to sign); during a rotation the previous one signs too
/// until <see cref="PreviousSecretUntil"/>.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 2000;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary>The integration user: payloads hold what this user would read through /api/v1, nothing more.</summary>
    public Guid UserId { get; set; }

    /// <summary>Module keys, comma-separated (<c>companies,leads</c>).</summary>
    public string Modules { get; set; } = "";

    /// <summary>Event names, comma-separated (<c>created,updated</c>), applied to each chosen module that has them.</summary>
    public string Events { get; set; } = "";

    /// <summary>The field-value filter (<see cref="WebhookFilters"/>) as JSON conditions; null: every event of the chosen modules.</summary>
    public string? Filter { get; set; }

    public bool IsEnabled { get; set; } = true;

    /// <summary>Why the CRM disabled the endpoint on its own (410 Gone, 5 days of failures); null when an administrator did, or when enabled.</summary>
    public string? DisabledReason { get; set; }

    public string ProtectedSecret { get; set; } = "";
    public string? ProtectedPreviousSecret { get; set; }
    public DateTime? PreviousSecretUntil { get; set; }

    /// <summary>While in the future, attempts keep the request and response bodies; switches itself off by passing.</summary>
    public DateTime? DebugUntil { get; set; }

    /// <summary>The first failure since the last success; five days of it disable the endpoint.</summary>
    public DateTime? FailingSince { get; set; }

    public DateTime CreatedAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTime ModifiedAt { get; set; }

    public IReadOnlyList<string> ModuleList => Split(Modules);

    public IReadOnlyList<string> EventList => Split(Events);

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal sealed class Configuration : IEntityTypeConfiguration<WebhookEndpoint>
    {
        public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
        {
            builder.ToTable("WebhookEndpoints");
            builder.Property(e => e.Name).HasMaxLength(NameMaxLength);
            builder.Property(e => e.Url).HasMaxLength(UrlMaxLength);
            builder.Property(e => e.Modules).HasMaxLength(500);
            builder.Property(e => e.Events).HasMaxLength(500);
            builder.Property(e => e.Filter).HasMaxLength(WebhookFilters.MaxLength);
            builder.Property(e => e.DisabledReason).HasMaxLength(500);
            builder.Property(e => e.ProtectedSecret).HasMaxLength(1000);
            builder.Property(e => e.ProtectedPreviousSecret).HasMaxLength(1000);
            builder.Ignore(e => e.ModuleList);
            builder.Ignore(e => e.EventList);
            builder.HasIndex(e => e.UserId);
            // A deleted user's endpoints go with them (each with its audit entry), as their API tokens do:
            // an endpoint without its integration user could read nothing.
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
