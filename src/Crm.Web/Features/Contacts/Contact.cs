using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Contacts;

/// <summary>A person the company deals with, usually working for a <see cref="Company"/>.</summary>
public sealed class Contact : OwnedRecord
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 256;
    public const int PhoneMaxLength = 50;
    public const int TitleMaxLength = 100;

    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Email { get; set; }
    public string? Phone { get; set; }

    /// <summary>The job title, e.g. "Head of purchasing".</summary>
    public string? Title { get; set; }

    public int? CompanyId { get; set; }

    public override string Label => $"{FirstName} {LastName}".Trim();

    /// <summary>
    /// The text search of the list and the search box: the name or email contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<Contact, bool>> Matching(string term) =>
        c => (c.FirstName + " " + c.LastName).ToLower().Contains(term) || (c.Email != null && c.Email.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<Contact>
    {
        public void Configure(EntityTypeBuilder<Contact> builder)
        {
            builder.ToTable("Contacts");
            builder.Property(c => c.FirstName).HasMaxLength(NameMaxLength);
            builder.Property(c => c.LastName).HasMaxLength(NameMaxLength);
            builder.Property(c => c.Email).HasMaxLength(EmailMaxLength);
            builder.Property(c => c.Phone).HasMaxLength(PhoneMaxLength);
            builder.Property(c => c.Title).HasMaxLength(TitleMaxLength);
            OwnedRecord.ConfigureOwnership(builder);
            // Restrict: deleting a company deletes its contacts explicitly, after listing them.
            builder.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Restrict);
            builder.HasIndex(c => c.CompanyId);
            builder.HasIndex(c => c.Email);
            builder.HasIndex(c => new { c.LastName, c.FirstName, c.Id });
        }
    }
}
