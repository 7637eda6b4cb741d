using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Files;

/// <summary>
/// A file attached to a record: a named reference to <see cref="StoredFile"/> content. Many file
/// objects may share one content; deleting one deletes only the reference.
/// </summary>
public sealed class FileObject : OwnedRecord
{
    public const int NameMaxLength = 200;
    public const int ContentTypeMaxLength = 100;
    public const int ModuleMaxLength = 30;

    /// <summary>The sanitised file name (no path, no control characters).</summary>
    public string Name { get; set; } = "";

    public string ContentType { get; set; } = "application/octet-stream";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";

    /// <summary>The module of the record the file is attached to (its lookup's key).</summary>
    public string RelatedModule { get; set; } = "";

    public int RelatedId { get; set; }

    public override string Label => Name;

    /// <summary>
    /// The text search of the list and the search box: the name contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<FileObject, bool>> Matching(string term) =>
        f => f.Name.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<FileObject>
    {
        public void Configure(EntityTypeBuilder<FileObject> builder)
        {
            builder.ToTable("FileObjects");
            builder.Property(f => f.Name).HasMaxLength(NameMaxLength);
            builder.Property(f => f.ContentType).HasMaxLength(ContentTypeMaxLength);
            builder.Property(f => f.Sha256).HasMaxLength(StoredFile.HashLength);
            builder.Property(f => f.RelatedModule).HasMaxLength(ModuleMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            // Restrict: the content row goes only when its last reference is removed, by DeleteFile.
            builder.HasOne<StoredFile>().WithMany().HasForeignKey(f => f.Sha256).OnDelete(DeleteBehavior.Restrict);
            builder.HasIndex(f => f.Sha256);
            builder.HasIndex(f => new { f.RelatedModule, f.RelatedId });
            builder.HasIndex(f => new { f.Name, f.Id });
        }
    }
}
