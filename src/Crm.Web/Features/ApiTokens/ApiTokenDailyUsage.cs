using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.ApiTokens;

/// <summary>
/// How much one token was used on one day (UTC): requests, and of those the answers of 400 and
/// above. Written by <see cref="ApiTokenUsage"/>'s flushes, which add to the row; kept 90 days.
/// </summary>
public sealed class ApiTokenDailyUsage
{
    public Guid TokenId { get; set; }
    public DateOnly Day { get; set; }
    public long Requests { get; set; }
    public long Errors { get; set; }

    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(90);

    internal sealed class Configuration : IEntityTypeConfiguration<ApiTokenDailyUsage>
    {
        public void Configure(EntityTypeBuilder<ApiTokenDailyUsage> builder)
        {
            builder.ToTable("ApiTokenDailyUsage");
            builder.HasKey(u => new { u.TokenId, u.Day });
            builder.HasIndex(u => u.Day);
            builder.HasOne<ApiToken>().WithMany().HasForeignKey(u => u.TokenId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
