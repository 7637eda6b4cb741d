using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.IdempotencyKeys;

/// <summary>
/// One use of an <c>Idempotency-Key</c> by one caller (an API token or a user's session): what
/// was asked (<see cref="Fingerprint"/> of the method, path and body) and, once it created
/// something, the answer to give again. A row without <see cref="CompletedAt"/> is a request still
/// running. Kept <see cref="KeptFor"/>; the answer's body is encrypted, as it may hold a secret
/// shown once (a new API token).
/// </summary>
public sealed class IdempotentRequest
{
    public required string Caller { get; set; }
    public required string Key { get; set; }
    public required string Fingerprint { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public int? Status { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public string? ProtectedBody { get; set; }

    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    internal sealed class Configuration : IEntityTypeConfiguration<IdempotentRequest>
    {
        public void Configure(EntityTypeBuilder<IdempotentRequest> builder)
        {
            builder.ToTable("IdempotentRequests");
            builder.HasKey(r => new { r.Caller, r.Key });
            builder.Property(r => r.Caller).HasMaxLength(60);
            builder.Property(r => r.Key).HasMaxLength(IdempotencyKeyMiddleware.MaxKeyLength);
            builder.Property(r => r.Fingerprint).HasMaxLength(64);
            builder.Property(r => r.ContentType).HasMaxLength(200);
            builder.Property(r => r.Location).HasMaxLength(2000);
            builder.HasIndex(r => r.CreatedAt);
        }
    }
}
