using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Deals;

/// <summary>
/// A sales opportunity moving through the fixed pipeline, usually with a company and a contact
/// there. The amount is money in minor units (see <see cref="Money"/>); it is the module's
/// sensitive field, which a role's field rule may hide or make read-only.
/// </summary>
public sealed class Deal : OwnedRecord
{
    public const int TitleMaxLength = 200;
    public const int ReasonMaxLength = 500;

    public string Title { get; set; } = "";
    public int? CompanyId { get; set; }
    public int? ContactId { get; set; }
    public string Stage { get; set; } = DealStages.New;

    /// <summary>In minor units of <see cref="Currency"/> (cents for EUR).</summary>
    public long Amount { get; set; }

    public string Currency { get; set; } = Money.DefaultCurrency;

    /// <summary>0 to 100 percent.</summary>
    public int Probability { get; set; }

    public DateOnly? ExpectedClose { get; set; }

    /// <summary>Why the deal was won or lost; required in those stages.</summary>
    public string? ClosingReason { get; set; }

    public override string Label => Title;

    /// <summary>
    /// The text search of the list and the search box: the title contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Deal, bool>> Matching(string term) =>
        d => d.Title.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Deal>
    {
        public void Configure(EntityTypeBuilder<Deal> builder)
        {
            builder.ToTable("Deals");
            builder.Property(d => d.Title).HasMaxLength(TitleMaxLength);
            builder.Property(d => d.Stage).HasMaxLength(20);
            builder.Property(d => d.Currency).HasMaxLength(3);
            builder.Property(d => d.ClosingReason).HasMaxLength(ReasonMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            // Restrict: deleting a company deletes its deals explicitly, after the confirmation listed them.
            builder.HasOne<Company>().WithMany().HasForeignKey(d => d.CompanyId).OnDelete(DeleteBehavior.Restrict);
            // A deleted contact only leaves the deal without a contact person.
            builder.HasOne<Contact>().WithMany().HasForeignKey(d => d.ContactId).OnDelete(DeleteBehavior.SetNull);
            builder.HasIndex(d => d.CompanyId);
            builder.HasIndex(d => d.ContactId);
            builder.HasIndex(d => new { d.Title, d.Id });
            builder.HasIndex(d => new { d.Amount, d.Id });
            builder.HasIndex(d => d.ExpectedClose); // date rules find what is due by it
        }
    }
}

/// <summary>The fixed pipeline; "open" is every stage before won or lost.</summary>
public static class DealStages
{
    public const string New = "new";
    public const string Qualification = "qualification";
    public const string Proposal = "proposal";
    public const string Negotiation = "negotiation";
    public const string Won = "won";
    public const string Lost = "lost";

    public static readonly IReadOnlyList<string> All = [New, Qualification, Proposal, Negotiation, Won, Lost];

    public static readonly IReadOnlyList<string> Closed = [Won, Lost];

    public static bool IsClosed(string stage) => stage is Won or Lost;

    public static string Title(string stage) => stage.Length == 0 ? stage : char.ToUpperInvariant(stage[0]) + stage[1..];
}
