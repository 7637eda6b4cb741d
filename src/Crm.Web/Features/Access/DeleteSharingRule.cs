using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Access;

/// <summary>Removes a sharing rule (administrators); the records it opened close on everyone's next request.</summary>
public sealed class DeleteSharingRule(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden(SaveSharingRule.AdministratorsOnly);
        }

        var rule = await db.SharingRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Result.NotFound();
        }

        var names = await SharingNames.LoadAsync(db, cancellationToken);
        db.SharingRules.Remove(rule);
        activity.Record(actor, ActivityKinds.PermissionChanged,
            $"Sharing rule removed: {rule.Module} {names.Describe(rule)}, for {SharedRecords.AccessName(rule.Access)}");
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
