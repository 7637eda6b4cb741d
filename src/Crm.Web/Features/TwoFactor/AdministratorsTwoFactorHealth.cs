using Crm.Web.Data;
using Crm.Web.Features.Health;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>The seed's "users with 2FA": the share of active administrators with two-factor sign-in (100 % is the only good figure).</summary>
public sealed class AdministratorsTwoFactorHealth(CrmDb db) : IHealthIndicator
{
    public const string Key = "administrators-two-factor";

    public HealthIndicatorDefinition Definition { get; } = new(Key, "Administrators with two-factor sign-in",
        "The share of active administrators who sign in with a second factor. An administrator account guarded by a password alone is the most valuable target there is.",
        "/admin/two-factor?filter=" + TwoFactorAdministrationPage.FilterAdministratorsWithout, "%", HealthDirection.LowerIsWorse, 100, 100, 0, 100) { Order = 50 };

    public async Task<HealthFigure> MeasureAsync(DateTime now, CancellationToken cancellationToken)
    {
        var administrators = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive)
            .OrderBy(u => u.FullName).Select(u => new { u.FullName, u.Email, u.TwoFactorEnabled }).ToListAsync(cancellationToken);
        if (administrators.Count == 0)
        {
            return new HealthFigure(null, "No active administrator");
        }

        var without = administrators.Where(a => !a.TwoFactorEnabled).Select(a => string.IsNullOrWhiteSpace(a.FullName) ? a.Email ?? "?" : a.FullName).ToList();
        var with = administrators.Count - without.Count;
        var share = Math.Round(with * 100.0 / administrators.Count, 2);
        var summary = without.Count == 0
            ? $"{with} of {administrators.Count} administrators use two-factor sign-in"
            : $"{with} of {administrators.Count} — {HealthIndicatorRegistration.Names(without)} {(without.Count == 1 ? "has" : "have")} none";
        return new HealthFigure(share, summary);
    }
}
