using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>Adds or changes a category (administrators): a unique name and a rotation interval of 1 day to 10 years.</summary>
public sealed class SaveVaultCategory(CrmDb db, TimeProvider clock)
{
    public const int MaxRotationDays = 3650;

    public async Task<Result<VaultCategoryView>> RunAsync(Actor actor, int? id, VaultCategoryInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<VaultCategoryView>.Forbidden("Only administrators manage the vault's categories.");
        }

        if (actor.IsPreview)
        {
            return Result<VaultCategoryView>.Forbidden(RecordEditing.PreviewRefused);
        }

        var category = id is { } existing ? await db.Set<VaultCategory>().FirstOrDefaultAsync(c => c.Id == existing, cancellationToken) : null;
        if (id is not null && category is null)
        {
            return Result<VaultCategoryView>.NotFound();
        }

        var errors = new FieldErrors().Text("name", "The name", input.Name, 100);
        var name = input.Name?.Trim() ?? "";
        if (!errors.Any && await db.Set<VaultCategory>().AnyAsync(c => c.Name == name && c.Id != (id ?? 0), cancellationToken))
        {
            errors.Add("name", $"There is a category named '{name}' already.");
        }

        var days = input.RotationDays ?? VaultCategory.DefaultRotationDays;
        if (days is < 1 or > MaxRotationDays)
        {
            errors.Add("rotationDays", $"The rotation interval must be between 1 and {MaxRotationDays} days.");
        }

        if (errors.Any)
        {
            return Result<VaultCategoryView>.Invalid(errors);
        }

        if (category is null)
        {
            category = new VaultCategory { CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Add(category);
        }

        category.Name = name;
        category.RotationDays = days;
        await db.SaveChangesAsync(cancellationToken);
        return Result<VaultCategoryView>.Ok(new VaultCategoryView(category.Id, category.Name, category.RotationDays,
            await db.Set<VaultEntry>().CountAsync(e => e.CategoryId == category.Id, cancellationToken),
            await ReadVaultEntry.GrantsAsync(db, entryId: null, categoryId: category.Id, cancellationToken)));
    }
}
