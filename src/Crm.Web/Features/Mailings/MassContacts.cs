using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// Keeps recipient bindings with their records' owners: when records change owner (the one
/// company transfer), their bindings move to the new owner's default (first) sending account, or
/// are removed when the new owner has none. Tracked changes on the caller's unit of work, so they
/// are saved, and audited, in the transfer's own transaction.
/// </summary>
public static class MassContacts
{
    public static async Task<int> FollowOwnerAsync(CrmDb db, string module, IReadOnlyCollection<int> recordIds, Guid newOwnerId, CancellationToken cancellationToken)
    {
        if (recordIds.Count == 0)
        {
            return 0;
        }

        var ids = recordIds.ToList();
        var bindings = await db.MassContacts.Where(m => m.Module == module && ids.Contains(m.RecordId)).ToListAsync(cancellationToken);
        if (bindings.Count == 0)
        {
            return 0;
        }

        var target = await db.SendingAccounts.Where(a => a.UserId == newOwnerId).OrderBy(a => a.Id).Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken);
        foreach (var binding in bindings)
        {
            if (target is { } accountId)
            {
                binding.SendingAccountId = accountId;
            }
            else
            {
                db.MassContacts.Remove(binding);
            }
        }

        return bindings.Count;
    }
}
