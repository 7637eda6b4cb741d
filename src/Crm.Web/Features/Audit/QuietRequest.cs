using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Audit;

/// <summary>
/// A request (an audit entry's <see cref="AuditEntry.RequestId"/>) whose changes the trail's readers
/// pass over: its entries are recorded, sealed and shown in history like any other, but no automation
/// rule runs on them and no webhook is sent for them (<see cref="SealedTrailReader"/>). An administrator
/// asks for it on a bulk change, such as an import of 50,000 old records that must not email every
/// owner or flood an ERP. Kept for as long as the trail may still be read.
/// </summary>
public sealed class QuietRequest
{
    public string RequestId { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>Makes <paramref name="requestIds"/> quiet, or loud again, in the caller's unit of work.</summary>
    public static async Task SetAsync(CrmDb db, IReadOnlyList<string> requestIds, bool quiet, DateTime now, CancellationToken cancellationToken)
    {
        await db.Set<QuietRequest>().Where(q => requestIds.Contains(q.RequestId)).ExecuteDeleteAsync(cancellationToken);
        if (quiet)
        {
            db.Set<QuietRequest>().AddRange(requestIds.Select(id => new QuietRequest { RequestId = id, CreatedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    internal sealed class Configuration : IEntityTypeConfiguration<QuietRequest>
    {
        public void Configure(EntityTypeBuilder<QuietRequest> builder)
        {
            builder.ToTable("QuietRequests");
            builder.HasKey(q => q.RequestId);
            builder.Property(q => q.RequestId).HasMaxLength(100);
        }
    }
}
