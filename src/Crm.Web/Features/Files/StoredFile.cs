using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Files;

/// <summary>
/// Content kept once on disk, named by its SHA-256. File objects refer to it; the row (and then the
/// bytes) goes when the last file object referring to it is deleted (seed 002, "File object").
/// </summary>
public sealed class StoredFile
{
    public const int HashLength = 64;

    /// <summary>Lower-case hex SHA-256 of the content: also its name in the file store.</summary>
    public string Sha256 { get; set; } = "";

    public long Size { get; set; }

    public DateTime CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<StoredFile>
    {
        public void Configure(EntityTypeBuilder<StoredFile> builder)
        {
            builder.ToTable("StoredFiles");
            builder.HasKey(f => f.Sha256);
            builder.Property(f => f.Sha256).HasMaxLength(HashLength);
        }
    }
}
