using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Countries;

/// <summary>
/// A country of ISO 3166-1, shipped with the product. Administrators may rename it (for example
/// to the local-language name) and keep any number of alternative names, so that the values
/// users, integrations and imports give are recognised.
/// </summary>
public sealed class Country
{
    public const int NameMaxLength = 100;
    public const int AlternativeNamesMaxLength = 2000;

    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2, upper case (DE).</summary>
    public string Alpha2 { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-3, upper case (DEU).</summary>
    public string Alpha3 { get; set; } = "";

    /// <summary>ISO 3166-1 numeric, three digits with leading zeros (276).</summary>
    public string Numeric { get; set; } = "";

    /// <summary>Comma-separated, as administrators type them: "USA, US, United States of America".</summary>
    public string AlternativeNames { get; set; } = "";

    public IReadOnlyList<string> AlternativeNameList => CountryNames.Split(AlternativeNames);

    internal sealed class Configuration : IEntityTypeConfiguration<Country>
    {
        public void Configure(EntityTypeBuilder<Country> builder)
        {
            builder.ToTable("Countries");
            builder.Property(c => c.Name).HasMaxLength(NameMaxLength);
            builder.Property(c => c.Alpha2).HasMaxLength(2);
            builder.Property(c => c.Alpha3).HasMaxLength(3);
            builder.Property(c => c.Numeric).HasMaxLength(3);
            builder.Property(c => c.AlternativeNames).HasMaxLength(AlternativeNamesMaxLength);
            builder.Ignore(c => c.AlternativeNameList);
            builder.HasIndex(c => c.Name).IsUnique();
            builder.HasIndex(c => c.Alpha2).IsUnique();
            builder.HasIndex(c => c.Alpha3).IsUnique();
        }
    }
}

/// <summary>Where an unmatched country value came from.</summary>
public static class CountrySources
{
    public const string User = "user";
    public const string Api = "api";
    public const string Import = "import";

    public static string Normalize(string? source) => source switch
    {
        Api => Api,
        Import => Import,
        _ => User,
    };
}

/// <summary>
/// A country value that matched no country, kept once per normalized value with how often and when
/// it was seen, until an administrator resolves it (by adding it as an alternative name) or
/// dismisses it.
/// </summary>
public sealed class CountryMismatch
{
    public const int ValueMaxLength = 200;

    public int Id { get; set; }

    /// <summary>The value as first given (control characters removed, cut at 200 characters).</summary>
    public string RawValue { get; set; } = "";

    /// <summary>The value as matching sees it; unique, so each distinct value is one row.</summary>
    public string NormalizedValue { get; set; } = "";

    public string Source { get; set; } = CountrySources.User;
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public int Occurrences { get; set; }
    public DateTime? ResolvedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CountryMismatch>
    {
        public void Configure(EntityTypeBuilder<CountryMismatch> builder)
        {
            builder.ToTable("CountryMismatches");
            builder.Property(m => m.RawValue).HasMaxLength(ValueMaxLength);
            builder.Property(m => m.NormalizedValue).HasMaxLength(ValueMaxLength);
            builder.Property(m => m.Source).HasMaxLength(20);
            builder.HasIndex(m => m.NormalizedValue).IsUnique();
        }
    }
}
