using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>One logged email; the related record is named (and linked) only if the actor may view it.</summary>
public sealed record LoggedEmailDetails(
    int Id, string Direction, string From, string To, string Subject, string Body, DateTime SentAt,
    string? RelatedModule, int? RelatedId, string? RelatedLabel, string? RelatedUrl,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

public sealed class ReadLoggedEmail(CrmDb db, RecordAccess access, RecordLookups lookups) : IReadRecord<LoggedEmailDetails>
{
    /// <summary>Edit is false for an incoming email whatever the role allows: it records what was received.</summary>
    public Task<Result<RecordView<LoggedEmailDetails>>> RunAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        access.ViewAsync<LoggedEmail, LoggedEmailDetails>(actor, CrmModules.Emails, id,
            (e, ct) => DetailsAsync(db, lookups, actor, e, ct), cancellationToken, editable: e => e.Direction != EmailDirections.Incoming);

    internal static async Task<LoggedEmailDetails> DetailsAsync(CrmDb db, RecordLookups lookups, Actor actor, LoggedEmail e, CancellationToken cancellationToken)
    {
        var owner = await Owners.NameAsync(db, e.OwnerId, cancellationToken);
        var related = e is { RelatedModule: { } module, RelatedId: { } relatedId } ? await lookups.FindAsync(actor, module, relatedId, cancellationToken) : null;
        return new LoggedEmailDetails(e.Id, e.Direction, e.From, e.To, e.Subject, e.Body, e.SentAt, related?.Module, related?.Id, related?.Label, related?.Url,
            e.OwnerId, owner, e.DepartmentId, e.CreatedAt, e.CreatedById, e.ModifiedAt, e.ModifiedById, e.Version);
    }
}
