using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Companies;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public sealed record ContactDeleteImpact(int ContactId, string Name, IReadOnlyList<LinkedRecord> Deleted);

/// <summary>Deletes one contact (needs delete on it). Nothing is linked below a contact yet, so the impact lists nothing else.</summary>
public sealed class DeleteContact(CrmDb db, RecordAccess access, ActivityLog activity)
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

        return (await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed
            ? Result<ContactDeleteImpact>.Ok(new ContactDeleteImpact(contact.Id, $"{contact.FirstName} {contact.LastName}", []))
            : Result<ContactDeleteImpact>.Forbidden($"You may not delete contact {id}.");
    }

    public async Task<Result<ContactDeleteImpact>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
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

        await db.Contacts.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        activity.Record(actor, ActivityKind, $"Deleted contact ID {id} '{impact.Value!.Name}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return impact;
    }
}
