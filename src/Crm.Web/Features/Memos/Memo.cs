using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Memos;

/// <summary>Where an office memo stands with its recipient.</summary>
public enum MemoStage
{
    Pending,
    Postponed,
    Reviewed,
}

/// <summary>
/// An office memo: written by its author to a recipient who reviews it (seed 002). The author always
/// sees it but can no longer change or delete it once reviewed; a draft is seen by its author only.
/// </summary>
public sealed class Memo : OwnedRecord
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 10000;
    public const int CommentMaxLength = 2000;
    public const int ModuleMaxLength = 30;

    public string Title { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>Who wrote it (the creating user). Kept when the memo's owner changes; not a foreign key, like the created-by stamps.</summary>
    public Guid AuthorId { get; set; }

    /// <summary>The user who reviews it.</summary>
    public Guid RecipientId { get; set; }

    public MemoStage Stage { get; set; } = MemoStage.Pending;

    public bool IsDraft { get; set; }

    public string? ReviewComment { get; set; }

    public DateTime? ReviewedAt { get; set; }

    public Guid? ReviewedById { get; set; }

    /// <summary>The record the memo is about (usually a deal), if any.</summary>
    public string? RelatedModule { get; set; }

    public int? RelatedId { get; set; }

    public override string Label => Title;

    /// <summary>
    /// The text search of the list and the search box: the title contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Memo, bool>> Matching(string term) =>
        m => m.Title.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Memo>
    {
        public void Configure(EntityTypeBuilder<Memo> builder)
        {
            builder.ToTable("Memos");
            builder.Property(m => m.Title).HasMaxLength(TitleMaxLength);
            builder.Property(m => m.Body).HasMaxLength(BodyMaxLength);
            builder.Property(m => m.ReviewComment).HasMaxLength(CommentMaxLength);
            builder.Property(m => m.Stage).HasConversion<string>().HasMaxLength(20);
            builder.Property(m => m.RelatedModule).HasMaxLength(ModuleMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            builder.HasIndex(m => m.AuthorId);
            builder.HasIndex(m => m.RecipientId);
            builder.HasIndex(m => new { m.RelatedModule, m.RelatedId });
            builder.HasIndex(m => new { m.Title, m.Id });
        }
    }
}
