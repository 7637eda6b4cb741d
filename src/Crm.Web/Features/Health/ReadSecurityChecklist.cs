using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>
/// A line of the seed's permanent security checklist with its live status. <see cref="State"/> is
/// null for a check only a person can make (reviewing the activity log): the status then gives the
/// figures that help, and the link where to make it.
/// </summary>
public sealed record ChecklistLine(string Check, string Frequency, string Where, string Status, HealthState? State);

/// <summary>
/// The seed's security checklist (administrators only), each line with what the CRM can tell about
/// it now: three lines read the health indicators (two-factor, unused tokens, idle accounts), the
/// others the figures that help the administrator make the check by hand.
/// </summary>
public sealed class ReadSecurityChecklist(CrmDb db, MeasureHealth measure, TimeProvider clock)
{
    public static readonly TimeSpan SmtpRotation = TimeSpan.FromDays(365);

    public async Task<Result<IReadOnlyList<ChecklistLine>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<ChecklistLine>>.Forbidden("Only administrators can see the security checklist.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var measured = (await measure.RunAsync(cancellationToken)).ToDictionary(m => m.Definition.Key, StringComparer.Ordinal);
        ChecklistLine FromIndicator(string check, string frequency, string where, string key) =>
            measured.TryGetValue(key, out var m)
                ? new ChecklistLine(check, frequency, m.Definition.Link, m.Figure.Summary, m.State)
                : new ChecklistLine(check, frequency, where, "Not measured by this installation: check by hand.", null);

        var activeUsers = await db.Users.CountAsync(u => u.IsActive, cancellationToken);
        var activeAdministrators = await db.Users.CountAsync(u => u.IsActive && u.IsAdministrator, cancellationToken);
        var weekAgo = now.AddDays(-7);
        var activity = await db.ActivityLog.CountAsync(a => a.At >= weekAgo, cancellationToken);
        var roles = await db.Roles.CountAsync(cancellationToken);

        return Result<IReadOnlyList<ChecklistLine>>.Ok(
        [
            FromIndicator("2FA active for all admins", "At each admin hire", "/admin/two-factor", "administrators-two-factor"),
            new("Accounts deactivated on employee departure", "Immediately", "/admin/users",
                $"{activeUsers} active {(activeUsers == 1 ? "account" : "accounts")}: deactivate a leaver's on their last day (check by hand)", null),
            FromIndicator("Inactive API tokens revoked", "Quarterly", "/admin/tokens", "api-tokens-unused"),
            new("Activity log reviewed", "Weekly", "/admin/activity",
                $"{activity} {(activity == 1 ? "entry" : "entries")} in the last 7 days (review by hand)", null),
            await SmtpLineAsync(now, cancellationToken),
            new("Roles audited (excessive permissions)", "Semi-annually", "/admin/roles",
                $"{roles} {(roles == 1 ? "role" : "roles")}, {activeAdministrators} active {(activeAdministrators == 1 ? "administrator" : "administrators")} (review by hand; service accounts should never be administrators)", null),
            FromIndicator("Active users without login > 90 days", "Monthly", "/admin/users?idle=true", "inactive-accounts"),
        ]);
    }

    /// <summary>Settings stored in the CRM say when they last changed; settings from the configuration file are the operator's to rotate.</summary>
    private async Task<ChecklistLine> SmtpLineAsync(DateTime now, CancellationToken cancellationToken)
    {
        const string Check = "SMTP credentials rotated";
        const string Frequency = "Annually or after incident";
        const string Where = "/admin/settings/email";
        var stored = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == Settings.InstanceSettings.TheId)
            .Select(s => new { s.SmtpHost, s.SmtpChangedAt }).FirstOrDefaultAsync(cancellationToken);
        if (stored is not { SmtpHost: not null, SmtpChangedAt: { } changed })
        {
            return new ChecklistLine(Check, Frequency, Where, "The SMTP server comes from the configuration file: rotate its password there (check by hand)", null);
        }

        var days = (int)(now - changed).TotalDays;
        return now - changed > SmtpRotation
            ? new ChecklistLine(Check, Frequency, Where, $"The SMTP settings were last changed {days} days ago, more than a year", HealthState.Warning)
            : new ChecklistLine(Check, Frequency, Where, $"The SMTP settings were last changed {days} days ago", HealthState.Good);
    }
}
