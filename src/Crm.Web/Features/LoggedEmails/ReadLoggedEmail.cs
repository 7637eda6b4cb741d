using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>One logged email; the related record is named (and linked) only if the actor may view it.</summary>
public sealed record LoggedEmailDetails(
    int Id, string Direction, string From, string To, string Subject, string Body, DateTime SentAt,
    string? RelatedModule, int? RelatedId, string? RelatedLabel, string? RelatedUrl,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version);

/// <summary>Edit is false for an incoming email whatever the role allows: it records what was received.</summary>
public sealed record LoggedEmailActions(bool Edit, bool Delete);

public sealed record LoggedEmailView(LoggedEmailDetails Email, LoggedEmailActions Can);

public sealed class ReadLoggedEmail(CrmDb db, RecordAccess access, RecordLookups lookups)
{
    public async Task<Result<LoggedEmailView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var opened = await access.ReadAsync<LoggedEmail>(actor, CrmModules.Emails.Key, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<LoggedEmailView>();
        }

        var read = opened.Value;
        var email = read.Record;
        var can = new LoggedEmailActions(
            email.Direction != EmailDirections.Incoming && await read.MayAsync(PermissionAction.Edit, cancellationToken),
            await read.MayAsync(PermissionAction.Delete, cancellationToken));
        return Result<LoggedEmailView>.Ok(new LoggedEmailView(await DetailsAsync(db, lookups, actor, email, cancellationToken), can));
    }

    internal static async Task<LoggedEmailDetails> DetailsAsync(CrmDb db, RecordLookups lookups, Actor actor, LoggedEmail e, CancellationToken cancellationToken)
    {
        var owner = await db.Users.Where(u => u.Id == e.OwnerId).Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken) ?? "";
        var related = e is { RelatedModule: { } module, RelatedId: { } relatedId } ? await lookups.FindAsync(actor, module, relatedId, cancellationToken) : null;
        return new LoggedEmailDetails(e.Id, e.Direction, e.From, e.To, e.Subject, e.Body, e.SentAt, related?.Module, related?.Id, related?.Label, related?.Url,
            e.OwnerId, owner, e.DepartmentId, e.CreatedAt, e.CreatedById, e.ModifiedAt, e.ModifiedById, e.Version);
    }
}
