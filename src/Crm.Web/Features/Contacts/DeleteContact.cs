using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Companies;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public sealed record ContactDeleteImpact(int ContactId, string Name, IReadOnlyList<LinkedRecord> Deleted)
{
    /// <summary>Records of other modules that hang on the contact (tasks, files, ...) and go with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes one contact (needs delete on it) with the records that hang on it, in one transaction.</summary>
public sealed class DeleteContact(CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "contact-deleted";

    public async Task<Result<ContactDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.OwnerId, c.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            return Result<ContactDeleteImpact>.NotFound();
        }

        var module = CrmModules.Contacts.Key;
        var facts = await access.FactsAsync(module, contact.Id, contact.OwnerId, contact.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<ContactDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<ContactDeleteImpact>.Forbidden($"You may not delete contact {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<ContactDeleteImpact>.Ok(new ContactDeleteImpact(contact.Id, $"{contact.FirstName} {contact.LastName}", []) { Also = also });
    }

    public async Task<Result<ContactDeleteImpact>> RunAsync(Actor actor, int id, CancellationToken cancellationToken, IReadOnlyCollection<string>? confirmedAlso = null)
    {
        if (actor.IsPreview)
        {
            return Result<ContactDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        // The rule for linked records: nothing the actor could not delete themselves goes with it.
        if (impact.Value!.Also.Refusal is { } refusal)
        {
            return Result<ContactDeleteImpact>.Forbidden(refusal);
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<ContactDeleteImpact>.Conflict("What the contact takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        // A tracked delete: the audit trail keeps the last state.
        db.Contacts.RemoveRange(await db.Contacts.Where(c => c.Id == id).ToListAsync(cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted contact ID {id} '{impact.Value!.Name}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}
