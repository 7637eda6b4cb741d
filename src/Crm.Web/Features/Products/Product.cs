using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Products;

/// <summary>Something the company sells: a unique code, a name, a list price and a category; inactive products are kept but not offered.</summary>
public sealed class Product : OwnedRecord
{
    public const int CodeMaxLength = 50;
    public const int NameMaxLength = 200;
    public const int CategoryMaxLength = 100;

    public string Code { get; set; } = "";

    /// <summary>The code lower-cased: the unique index makes "ab-1" and "AB-1" the same code on every database.</summary>
    public string CodeKey { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>In minor units of <see cref="Currency"/>.</summary>
    public long Price { get; set; }

    public string Currency { get; set; } = Money.DefaultCurrency;
    public string? Category { get; set; }
    public bool IsActive { get; set; } = true;

    public override string Label => $"{Code} {Name}";

    /// <summary>
    /// The text search of the list and the search box: the name or code contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Product, bool>> Matching(string term) =>
        p => p.Name.ToLower().Contains(term) || p.CodeKey.Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Product>
    {
        public void Configure(EntityTypeBuilder<Product> builder)
        {
            builder.ToTable("Products");
            builder.Property(p => p.Code).HasMaxLength(CodeMaxLength);
            builder.Property(p => p.CodeKey).HasMaxLength(CodeMaxLength);
            builder.Property(p => p.Name).HasMaxLength(NameMaxLength);
            builder.Property(p => p.Currency).HasMaxLength(3);
            builder.Property(p => p.Category).HasMaxLength(CategoryMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            builder.HasIndex(p => p.CodeKey).IsUnique();
            builder.HasIndex(p => new { p.Name, p.Id });
        }
    }
}
