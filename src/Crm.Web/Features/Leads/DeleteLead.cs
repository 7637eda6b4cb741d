using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

public sealed record LeadDeleteImpact(int LeadId, string Name)
{
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes one lead (needs delete on it) with what hangs on it, in one transaction.</summary>
public sealed class DeleteLead(CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "lead-deleted";

    public async Task<Result<LeadDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.FirstName, p.LastName, p.OwnerId, p.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
        if (lead is null)
        {
            return Result<LeadDeleteImpact>.NotFound();
        }

        var module = CrmModules.Leads.Key;
        var facts = await access.FactsAsync(module, lead.Id, lead.OwnerId, lead.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<LeadDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<LeadDeleteImpact>.Forbidden($"You may not delete lead {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<LeadDeleteImpact>.Ok(new LeadDeleteImpact(lead.Id, $"{lead.FirstName} {lead.LastName}") { Also = also });
    }

    public async Task<Result<LeadDeleteImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<LeadDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<LeadDeleteImpact>.Conflict("What the lead takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        db.Leads.Remove(await db.Leads.FirstAsync(p => p.Id == id, cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted lead ID {id} '{impact.Value.Name}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}
