using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Removes one of the caller's sending accounts and the recipient bindings to it (tracked, so the
/// audit trail records them); the next mailing binds those recipients afresh. Messages still
/// queued through it are blocked by the worker with a clear reason.
/// </summary>
public sealed class RemoveSendingAccount(CrmDb db)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var account = await db.SendingAccounts.FirstOrDefaultAsync(a => a.Id == id && a.UserId == actor.UserId, cancellationToken);
        if (account is null)
        {
            return Result.NotFound();
        }

        db.MassContacts.RemoveRange(await db.MassContacts.Where(m => m.SendingAccountId == id).ToListAsync(cancellationToken));
        db.SendingAccounts.Remove(account);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
