using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// Ends a share by removing it (<c>DELETE /api/v1/{module}/{id}/shares/{shareId}</c> and the
/// sharing page); it bites on the next request, as every share is read per request. Who may share
/// the record may remove its shares. The record's history gets an "unshared" entry.
/// </summary>
public sealed class RemoveRecordShare(CrmDb db, SharedRecords records, AuditContext audit)
{
    public const string Unshared = "unshared";

    public async Task<Result> RunAsync(Actor actor, string module, int id, long shareId, CancellationToken cancellationToken)
    {
        var opened = await records.OpenAsync(actor, module, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened;
        }

        var record = opened.Value;
        var share = await db.RecordShares.FirstOrDefaultAsync(s => s.Id == shareId && s.Module == module && s.RecordId == id, cancellationToken);
        if (share is null)
        {
            return Result.NotFound();
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(RecordEditing.PreviewRefused);
        }

        if (!record.MayShare)
        {
            return Result.Forbidden($"Only the owner of {record.Link.Label} and who may edit it can change its shares.");
        }

        var view = (await records.SharesAsync(module, id, cancellationToken)).First(s => s.Id == shareId);
        db.RecordShares.Remove(share);
        audit.Note(module, id.ToString(CultureInfo.InvariantCulture), record.Link.Label, Unshared, new JsonObject
        {
            ["sharedWith"] = new JsonObject { ["old"] = view.TargetName, ["new"] = null },
            ["access"] = new JsonObject { ["old"] = view.Access, ["new"] = null },
        });
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }
}
