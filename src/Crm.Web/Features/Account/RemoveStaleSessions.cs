using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

/// <summary>
/// Scheduled clean-up of session rows nobody can use any more: signed out (revoked) or unseen for
/// 30 days (the cookie itself lapses after hours). Reset and set-password links need no clean-up:
/// they are Data Protection tokens bound to the security stamp, stored nowhere.
/// </summary>
public sealed class RemoveStaleSessions(CrmDb db, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "stale-sessions";
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().UtcDateTime - KeptFor;
        await db.UserSessions.Where(s => (s.RevokedAt != null && s.RevokedAt < before) || s.LastSeenAt < before)
            .ExecuteDeleteAsync(cancellationToken);
    }
}
