using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

public sealed record DealDeleteImpact(int DealId, string Title)
{
    /// <summary>Records of other modules that hang on the deal (logged emails, tasks, files) and go with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes one deal (needs delete on it) with the records that hang on it, in one transaction.</summary>
public sealed class DeleteDeal(CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "deal-deleted";

    public async Task<Result<DealDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.AsNoTracking().Where(d => d.Id == id)
            .Select(d => new { d.Id, d.Title, d.OwnerId, d.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
        if (deal is null)
        {
            return Result<DealDeleteImpact>.NotFound();
        }

        var module = CrmModules.Deals.Key;
        var facts = await access.FactsAsync(module, deal.Id, deal.OwnerId, deal.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<DealDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<DealDeleteImpact>.Forbidden($"You may not delete deal {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<DealDeleteImpact>.Ok(new DealDeleteImpact(deal.Id, deal.Title) { Also = also });
    }

    public async Task<Result<DealDeleteImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<DealDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<DealDeleteImpact>.Conflict("What the deal takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        db.Deals.Remove(await db.Deals.FirstAsync(d => d.Id == id, cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted deal ID {id} '{impact.Value.Title}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}
