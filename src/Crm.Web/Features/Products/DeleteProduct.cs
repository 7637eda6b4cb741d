using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Products;

public sealed record ProductDeleteImpact(int ProductId, string Name)
{
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes one product (needs delete on it) with what hangs on it, in one transaction.</summary>
public sealed class DeleteProduct(CrmDb db, RecordAccess access, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
{
    public const string ActivityKind = "product-deleted";

    public async Task<Result<ProductDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.Code, p.Name, p.OwnerId, p.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
        if (product is null)
        {
            return Result<ProductDeleteImpact>.NotFound();
        }

        var module = CrmModules.Products.Key;
        var facts = await access.FactsAsync(module, product.Id, product.OwnerId, product.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<ProductDeleteImpact>.NotFound();
        }

        if (!(await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed)
        {
            return Result<ProductDeleteImpact>.Forbidden($"You may not delete product {id}.");
        }

        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id])], cancellationToken);
        return Result<ProductDeleteImpact>.Ok(new ProductDeleteImpact(product.Id, $"{product.Code} {product.Name}") { Also = also });
    }

    public async Task<Result<ProductDeleteImpact>> RunAsync(Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<ProductDeleteImpact>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        if (!impact.Value!.Also.Matches(confirmedAlso))
        {
            return Result<ProductDeleteImpact>.Conflict("What the product takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value!.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);
        db.Products.Remove(await db.Products.FirstAsync(p => p.Id == id, cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted product ID {id} '{impact.Value.Name}'.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }
}
