using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>Where a mailing's messages are: waiting (or being retried), sent, blocked, discarded.</summary>
public sealed record MailingCounts(int Queued, int Sent, int Blocked, int Discarded);

public sealed record MailingView(int Id, string Subject, string Body, string Module, string? FilterField, string? FilterValue,
    int SendingAccountId, string? SendingAccountName, int Recipients, int SkippedOptedOut, DateTime CreatedAt, MailingCounts Delivery);

/// <summary>One mailing with its delivery counts: the sender's own, or any for an administrator; else not found.</summary>
public sealed class ReadMailing(CrmDb db)
{
    public async Task<Result<MailingView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var mailing = await db.Mailings.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && (actor.IsAdministrator || m.SenderId == actor.UserId), cancellationToken);
        if (mailing is null)
        {
            return Result<MailingView>.NotFound();
        }

        var counts = await CountsAsync(db, [id], cancellationToken);
        var accountName = await db.SendingAccounts.Where(a => a.Id == mailing.SendingAccountId).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);
        return Result<MailingView>.Ok(View(mailing, accountName, counts.GetValueOrDefault(id, new MailingCounts(0, 0, 0, 0))));
    }

    internal static MailingView View(Mailing m, string? accountName, MailingCounts counts) =>
        new(m.Id, m.Subject, m.Body, m.Module, m.FilterField, m.FilterValue, m.SendingAccountId, accountName, m.Recipients, m.SkippedOptedOut, m.CreatedAt, counts);

    internal static async Task<Dictionary<int, MailingCounts>> CountsAsync(CrmDb db, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var rows = await db.OutgoingEmails.AsNoTracking().Where(e => e.MailingId != null && ids.Contains(e.MailingId.Value))
            .GroupBy(e => new { MailingId = e.MailingId!.Value, e.Status })
            .Select(g => new { g.Key.MailingId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.MailingId).ToDictionary(g => g.Key, g => new MailingCounts(
            g.Where(r => r.Status == EmailStatus.Queued).Sum(r => r.Count),
            g.Where(r => r.Status == EmailStatus.Sent).Sum(r => r.Count),
            g.Where(r => r.Status == EmailStatus.Blocked).Sum(r => r.Count),
            g.Where(r => r.Status == EmailStatus.Discarded).Sum(r => r.Count)));
    }
}
