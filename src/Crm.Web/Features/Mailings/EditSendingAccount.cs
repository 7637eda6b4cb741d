using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Changes one of the caller's sending accounts in place: name, from address, server, rate, user
/// name or password. The account keeps its id, so it stays the default if it was and the
/// recipients bound to it stay bound; removing it and adding it again would unbind them all.
/// A blank password keeps the stored one for the same server and user name
/// (<see cref="AddSendingAccount.Validate"/> says why not otherwise); clearing the user name
/// forgets it. Messages still waiting for the account go out with its new settings.
/// </summary>
public sealed class EditSendingAccount(CrmDb db, SendingAccountSecrets secrets)
{
    public async Task<Result<SendingAccountView>> RunAsync(Actor actor, int id, SendingAccountInput input, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<SendingAccountView>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        if (actor.UserId is not { } userId)
        {
            return Result<SendingAccountView>.Forbidden("Only a user has sending accounts.");
        }

        var account = await db.SendingAccounts.FirstOrDefaultAsync(a => a.Id == id && a.UserId == userId, cancellationToken);
        if (account is null)
        {
            return Result<SendingAccountView>.NotFound();
        }

        var (shape, errors) = AddSendingAccount.Validate(input, StoredSignIn.Of(account));
        if (shape is null)
        {
            return Result<SendingAccountView>.Invalid(errors);
        }

        account.Name = shape.Name;
        account.FromAddress = shape.FromAddress;
        account.Host = shape.Host;
        account.Port = shape.Port;
        account.Security = shape.Security;
        account.UserName = shape.UserName;
        account.RatePerMinute = shape.RatePerMinute;
        if (shape.UserName is null)
        {
            account.ProtectedPassword = null;
        }
        else if (shape.Password is not null)
        {
            account.ProtectedPassword = secrets.Protect(shape.Password);
        }

        await db.SaveChangesAsync(cancellationToken);
        var isDefault = !await db.SendingAccounts.AnyAsync(a => a.UserId == userId && a.Id < account.Id, cancellationToken);
        var bound = await db.MassContacts.CountAsync(m => m.SendingAccountId == account.Id, cancellationToken);
        return Result<SendingAccountView>.Ok(SendingAccountView.Of(account, isDefault, bound));
    }
}
