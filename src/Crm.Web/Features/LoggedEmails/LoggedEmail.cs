using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>
/// An email exchanged with a customer, logged in the CRM against a record (a deal, a lead, a
/// company...). Not the outbox (Features/Email sends the CRM's own mail). The body is plain text
/// and is always shown encoded. An incoming email is a record of what the customer wrote and is
/// never edited.
/// </summary>
public sealed class LoggedEmail : OwnedRecord
{
    public const int AddressMaxLength = 256;
    public const int ToMaxLength = 1000;
    public const int SubjectMaxLength = 300;
    public const int BodyMaxLength = 20000;

    public string Direction { get; set; } = EmailDirections.Outgoing;
    public string From { get; set; } = "";

    /// <summary>One or more addresses separated by commas.</summary>
    public string To { get; set; } = "";

    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTime SentAt { get; set; }

    /// <summary>The record the email is about: a module key and an ID (validated through the module's lookup).</summary>
    public string? RelatedModule { get; set; }

    public int? RelatedId { get; set; }

    public override string Label => Subject;

    /// <summary>
    /// The text search of the list and the search box: the subject, sender or recipients contains <paramref name="term"/>
    /// (see <see cref="TextSearch.Term"/>). Each searched expression has a trigram index on PostgreSQL.
    /// </summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE: no .NET culture is involved.
    public static System.Linq.Expressions.Expression<Func<LoggedEmail, bool>> Matching(string term) =>
        e => e.Subject.ToLower().Contains(term) || e.From.ToLower().Contains(term) || e.To.ToLower().Contains(term);
#pragma warning restore CA1304, CA1311, CA1862

    internal sealed class Configuration : IEntityTypeConfiguration<LoggedEmail>
    {
        public void Configure(EntityTypeBuilder<LoggedEmail> builder)
        {
            builder.ToTable("LoggedEmails");
            builder.Property(e => e.Direction).HasMaxLength(10);
            builder.Property(e => e.From).HasMaxLength(AddressMaxLength);
            builder.Property(e => e.To).HasMaxLength(ToMaxLength);
            builder.Property(e => e.Subject).HasMaxLength(SubjectMaxLength);
            builder.Property(e => e.Body).HasMaxLength(BodyMaxLength);
            builder.Property(e => e.RelatedModule).HasMaxLength(20);
            OwnedRecord.ConfigureOwnership(builder);
            builder.HasIndex(e => new { e.RelatedModule, e.RelatedId });
            builder.HasIndex(e => new { e.SentAt, e.Id });
        }
    }
}

public static class EmailDirections
{
    public const string Incoming = "incoming";
    public const string Outgoing = "outgoing";

    public static readonly IReadOnlyList<string> All = [Incoming, Outgoing];
}
