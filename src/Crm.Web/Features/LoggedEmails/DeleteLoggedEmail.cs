using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

public sealed record LoggedEmailDeleteImpact(int EmailId, string Subject)
{
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes a logged email (needs delete on it; incoming ones too) with what hangs on it, in one transaction.</summary>
public sealed class DeleteLoggedEmail(CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "email-deleted";

    public async Task<Result<LoggedEmailDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var email = await db.LoggedEmails.AsNoTracking().Where(e => e.Id == id)
            .Select(e => new { e.Id, e.Subject, e.OwnerId, e.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
        if (email is null)
        {
            return Result<LoggedEmailDeleteImpact>.NotFound();
        }

        var module = CrmModules.Emails.Key;
        var facts = await access.FactsAsync(module, email.Id, email.OwnerId, email.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<LoggedEmailDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<LoggedEmailDeleteImpact>.Forbidden($"You may not delete email {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<LoggedEmailDeleteImpact>.Ok(new LoggedEmailDeleteImpact(email.Id, email.Subject) { Also = also });
    }

    public async Task<Result<LoggedEmailDeleteImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<LoggedEmailDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<LoggedEmailDeleteImpact>.Conflict("What the email takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        db.LoggedEmails.Remove(await db.LoggedEmails.FirstAsync(e => e.Id == id, cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted logged email ID {id} '{impact.Value.Subject}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}
