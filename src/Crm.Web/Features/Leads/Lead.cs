using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Leads;

/// <summary>
/// A possible customer not yet qualified: a person and the name of their company as typed. A
/// qualified lead is converted into a contact, a company (new or existing) and optionally a deal;
/// it then keeps links to them and is not changed again.
/// </summary>
public sealed class Lead : OwnedRecord
{
    public const int NameMaxLength = 100;
    public const int CompanyNameMaxLength = 200;
    public const int EmailMaxLength = 256;
    public const int PhoneMaxLength = 50;
    public const int NotesMaxLength = 4000;

    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? CompanyName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string Source { get; set; } = LeadSources.Other;
    public string Status { get; set; } = LeadStatuses.New;
    public string? Notes { get; set; }

    public DateTime? ConvertedAt { get; set; }
    public int? ConvertedContactId { get; set; }
    public int? ConvertedCompanyId { get; set; }
    public int? ConvertedDealId { get; set; }

    public override string Label => $"{FirstName} {LastName}".Trim();

    /// <summary>
    /// The text search of the list and the search box: the name, email or company name contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Lead, bool>> Matching(string term) =>
        l => (l.FirstName + " " + l.LastName).ToLower().Contains(term)
            || (l.Email != null && l.Email.ToLower().Contains(term)) || (l.CompanyName != null && l.CompanyName.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Lead>
    {
        public void Configure(EntityTypeBuilder<Lead> builder)
        {
            builder.ToTable("Leads");
            builder.Property(l => l.FirstName).HasMaxLength(NameMaxLength);
            builder.Property(l => l.LastName).HasMaxLength(NameMaxLength);
            builder.Property(l => l.CompanyName).HasMaxLength(CompanyNameMaxLength);
            builder.Property(l => l.Email).HasMaxLength(EmailMaxLength);
            builder.Property(l => l.Phone).HasMaxLength(PhoneMaxLength);
            builder.Property(l => l.Source).HasMaxLength(20);
            builder.Property(l => l.Status).HasMaxLength(20);
            builder.Property(l => l.Notes).HasMaxLength(NotesMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            // The records a conversion created may be deleted later; the lead then just loses the link.
            builder.HasOne<Contact>().WithMany().HasForeignKey(l => l.ConvertedContactId).OnDelete(DeleteBehavior.SetNull);
            builder.HasOne<Company>().WithMany().HasForeignKey(l => l.ConvertedCompanyId).OnDelete(DeleteBehavior.SetNull);
            builder.HasOne<Deal>().WithMany().HasForeignKey(l => l.ConvertedDealId).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(l => l.ConvertedContactId);
            builder.HasIndex(l => l.ConvertedCompanyId);
            builder.HasIndex(l => l.ConvertedDealId);
            builder.HasIndex(l => l.Email);
            builder.HasIndex(l => new { l.LastName, l.FirstName, l.Id });
        }
    }
}

public static class LeadSources
{
    public const string Web = "web";
    public const string Referral = "referral";
    public const string Event = "event";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Web, Referral, Event, Other];
}

public static class LeadStatuses
{
    public const string New = "new";
    public const string Contacted = "contacted";
    public const string Qualified = "qualified";
    public const string Disqualified = "disqualified";
    public const string Converted = "converted";

    public static readonly IReadOnlyList<string> All = [New, Contacted, Qualified, Disqualified, Converted];

    /// <summary>What a person may set by editing; "converted" only comes from a conversion.</summary>
    public static readonly IReadOnlyList<string> Editable = [New, Contacted, Qualified, Disqualified];
}
