using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Health;

/// <summary>
/// An administrator's choice to get the daily health digest (one row per administrator who opted in;
/// none: no digest). <see cref="LastSentDay"/> is the organisation's day of the last digest sent, set
/// in the transaction that queues it, so each administrator gets at most one a day however many
/// instances run the job and however often it restarts. The choice is audited; the day is bookkeeping.
/// </summary>
public sealed class HealthDigestSubscription
{
    public Guid UserId { get; set; }
    public DateTime SubscribedAt { get; set; }
    public DateOnly? LastSentDay { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<HealthDigestSubscription>
    {
        public void Configure(EntityTypeBuilder<HealthDigestSubscription> builder)
        {
            builder.ToTable("HealthDigestSubscriptions");
            builder.HasKey(s => s.UserId);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
