using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.TwoFactor;

/// <summary>A person renames one of their own passkeys (after a new phone, say); someone else's is not found.</summary>
public sealed class RenamePasskey(CrmDb db, AddPasskey names, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, Guid passkeyId, string? name, CancellationToken cancellationToken)
    {
        if (actor.Kind != ActorKind.User || actor.IsPreview || actor.UserId is not { } userId)
        {
            return Result.Forbidden(AddPasskey.NotByPerson);
        }

        var passkey = await db.Set<Passkey>().FirstOrDefaultAsync(p => p.Id == passkeyId && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return Result.NotFound();
        }

        var errors = await names.CheckNameAsync(userId, passkeyId, name, cancellationToken);
        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        var before = passkey.Name;
        passkey.Name = name!.Trim();
        if (before == passkey.Name)
        {
            return Result.Ok();
        }

        activity.Record(actor, TwoFactorActivity.PasskeyRenamed, $"{actor.DisplayName} renamed the passkey \"{before}\" to \"{passkey.Name}\"", userId);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
