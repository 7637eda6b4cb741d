using Crm.Web.Data;
using Crm.Web.Features.Email;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>A sending account as shown: never its password, only whether one is stored.</summary>
public sealed record SendingAccountView(int Id, string Name, string FromAddress, string Host, int Port, SmtpSecurity Security,
    string? UserName, bool HasPassword, int RatePerMinute, bool IsDefault, int BoundRecipients)
{
    /// <summary>The view of an account just saved, with what only the database knows passed in.</summary>
    internal static SendingAccountView Of(SendingAccount a, bool isDefault, int boundRecipients) =>
        new(a.Id, a.Name, a.FromAddress, a.Host, a.Port, a.Security, a.UserName, a.ProtectedPassword is not null, a.RatePerMinute, isDefault, boundRecipients);
}

/// <summary>The caller's own sending accounts, the default (first) one first.</summary>
public sealed class ListSendingAccounts(CrmDb db)
{
    public async Task<Result<IReadOnlyList<SendingAccountView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (actor.UserId is not { } userId)
        {
            return Result<IReadOnlyList<SendingAccountView>>.Forbidden("Only a user has sending accounts.");
        }

        var rows = await db.SendingAccounts.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.Id)
            .Select(a => new
            {
                a.Id, a.Name, a.FromAddress, a.Host, a.Port, a.Security, a.UserName,
                HasPassword = a.ProtectedPassword != null, a.RatePerMinute,
                Bound = db.MassContacts.Count(m => m.SendingAccountId == a.Id),
            })
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<SendingAccountView>>.Ok([.. rows.Select((a, i) => new SendingAccountView(
            a.Id, a.Name, a.FromAddress, a.Host, a.Port, a.Security, a.UserName, a.HasPassword, a.RatePerMinute, i == 0, a.Bound))]);
    }
}
