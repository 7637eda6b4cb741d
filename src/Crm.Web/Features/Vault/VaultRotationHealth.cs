using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>Vault entries whose password is older than their category's rotation interval (the list's "rotation due").</summary>
public sealed class VaultRotationHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "vault-rotation-due";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Vault entries due for rotation",
        "Shared passwords older than their category's rotation interval. Change them at the service, then in the vault.",
        "/vault?due=true", "entries", HealthDirection.HigherIsWorse, 0, 10, 0, 1_000_000) { Order = 80 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        // Per category (a handful): each has its own interval, so the cut-off is a plain instant.
        var categories = await db.Set<VaultCategory>().AsNoTracking().Select(c => new { c.Id, c.RotationDays }).ToListAsync(cancellationToken);
        var due = 0;
        foreach (var category in categories)
        {
            var changedBefore = now.AddDays(-category.RotationDays);
            due += await db.Set<VaultEntry>().CountAsync(e => e.CategoryId == category.Id && e.PasswordChangedAt <= changedBefore, cancellationToken);
        }

        return new HealthFigure(due, due switch
        {
            0 => "No entry is due for rotation",
            1 => "1 entry is due for rotation",
            _ => $"{due} entries are due for rotation",
        });
    }
}
