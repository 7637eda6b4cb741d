using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>The caller's mailings (an administrator's list holds everyone's), newest first, with delivery counts.</summary>
public sealed class ListMailings(CrmDb db)
{
    public const int Limit = 200;

    public async Task<Result<IReadOnlyList<MailingView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.UserId is null && !actor.IsAdministrator)
        {
            return Result<IReadOnlyList<MailingView>>.Forbidden("Only a user sends mailings.");
        }

        var mailings = await db.Mailings.AsNoTracking().Where(m => actor.IsAdministrator || m.SenderId == actor.UserId)
            .OrderByDescending(m => m.Id).Take(Limit).ToListAsync(cancellationToken);
        var ids = mailings.Select(m => m.Id).ToList();
        var accountIds = mailings.Select(m => m.SendingAccountId).Distinct().ToList();
        var names = await db.SendingAccounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        var counts = await ReadMailing.CountsAsync(db, ids, cancellationToken);
        return Result<IReadOnlyList<MailingView>>.Ok([.. mailings.Select(m => ReadMailing.View(m, names.GetValueOrDefault(m.SendingAccountId),
            counts.GetValueOrDefault(m.Id, new MailingCounts(0, 0, 0, 0))))]);
    }
}
