using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Companies;

/// <summary>A customer or prospect organisation. Owned by a user; its department is the owner's primary one.</summary>
public sealed class Company : OwnedRecord
{
    public const int NameMaxLength = 200;

    public string Name { get; set; } = "";
    public string? Website { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? City { get; set; }
    public string? Address { get; set; }

    /// <summary>The country as it was given (by a user, the API or an import), kept even when it matches no country.</summary>
    public string? CountryName { get; set; }

    /// <summary>
    /// The country <see cref="CountryName"/> was matched to (name, alternative name or ISO code); empty
    /// when it matched none. No foreign key: the shipped country list is never deleted from.
    /// </summary>
    public int? CountryId { get; set; }

    public override string Label => Name;

    /// <summary>
    /// The text search of the list and the search box: the name contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Company, bool>> Matching(string term) =>
        c => c.Name.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Company>
    {
        public void Configure(EntityTypeBuilder<Company> builder)
        {
            builder.ToTable("Companies");
            builder.Property(c => c.Name).HasMaxLength(NameMaxLength);
            builder.Property(c => c.Website).HasMaxLength(CompanyLimits.Website);
            builder.Property(c => c.Phone).HasMaxLength(CompanyLimits.Phone);
            builder.Property(c => c.Email).HasMaxLength(CompanyLimits.Email);
            builder.Property(c => c.City).HasMaxLength(CompanyLimits.City);
            builder.Property(c => c.Address).HasMaxLength(CompanyLimits.Address);
            builder.Property(c => c.CountryName).HasMaxLength(CompanyLimits.Country);
            OwnedRecord.ConfigureOwnership(builder);
            builder.HasIndex(c => c.Email);
            builder.HasIndex(c => new { c.Name, c.Id });
            builder.HasIndex(c => c.CountryId);
        }
    }
}

public static class CompanyLimits
{
    public const int Website = 300;
    public const int Phone = 50;
    public const int Email = 256;
    public const int City = 100;
    public const int Address = 500;
    public const int Country = 100;
}
