using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>The seed's "active accounts without login > 90 days": active users who have not signed in for 90 days (or since their creation that long ago).</summary>
public sealed class InactiveAccountsHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "inactive-accounts";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Active accounts without sign-in for 90 days",
        "Accounts that can still sign in but have not for 90 days: a person who left, or an account nobody watches. Deactivate what is not needed.",
        "/admin/users?idle=true", "accounts", HealthDirection.HigherIsWorse, 0, 0, 0, 100_000) { Order = 60 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var idleSince = now - ListUsers.IdleAfter;
        var names = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && !u.IsIntegration && (u.LastSignInAt == null ? u.CreatedAt < idleSince : u.LastSignInAt < idleSince))
            .OrderBy(u => u.FullName).Select(u => u.FullName == "" ? u.Email ?? "?" : u.FullName).ToListAsync(cancellationToken);
        return new HealthFigure(names.Count, names.Count == 0
            ? "Every active account signed in within 90 days"
            : $"{names.Count} active {(names.Count == 1 ? "account" : "accounts")} without a sign-in for 90 days: {HealthIndicatorRegistration.Names(names)}");
    }
}
