using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>One person whose access a share would change: from none or view, to view or edit.</summary>
public sealed record AccessChange(Guid UserId, string Name, string Before, string After);

/// <summary>The share as it would be saved, and who would gain what.</summary>
public sealed record SharePreview(ShareView Share, IReadOnlyList<AccessChange> Changes);

/// <summary>
/// A share as the API's body and the page's form give it: exactly one of <see cref="UserId"/>,
/// <see cref="GroupId"/>, <see cref="RoleId"/> (with <see cref="WithSubordinates"/> for the roles
/// below it too) or <see cref="DepartmentId"/>; <see cref="Access"/> "read" or "edit"; an optional
/// end (<see cref="EndsAt"/>, UTC).
/// </summary>
[ApiSchemaName("ShareInput")]
public sealed record ShareInput(Guid? UserId, int? GroupId, int? RoleId, bool? WithSubordinates, int? DepartmentId, string? Access, DateTime? EndsAt);

/// <summary>
/// Shares a record of any CRM object module (<c>POST /api/v1/{module}/{id}/shares</c> and the
/// record's sharing page). Sharing again with the same target replaces its access and end. The
/// share row is audited as itself, and a "shared" entry on the record's own history says with whom.
/// </summary>
public sealed class ShareRecord(CrmDb db, SharedRecords records, AuditContext audit, TimeProvider clock, ListRecordShares holders, Features.Activity.ActivityLog activity)
{
    public const string Shared = "shared";

    public Task<Result<ShareView>> RunAsync(Actor actor, string module, int id, ShareInput input, CancellationToken cancellationToken) =>
        SaveAsync(actor, module, id, input, preview: null, cancellationToken);

    /// <summary>
    /// What the share would change, without saving it (<c>?dryRun=true</c>, the page's Preview): the
    /// share is written in a transaction that is rolled back, and each person's access is read before
    /// and inside it by the module's own rules and the real row filter, so the answer is what they
    /// would see. Asking is recorded in the activity log.
    /// </summary>
    public async Task<Result<SharePreview>> PreviewAsync(Actor actor, string module, int id, ShareInput input, CancellationToken cancellationToken)
    {
        SharePreview? preview = null;
        var checkedShare = await SaveAsync(actor, module, id, input, p => preview = p, cancellationToken);
        if (!checkedShare.IsOk)
        {
            return checkedShare.Map<SharePreview>();
        }

        activity.Record(actor, Features.Activity.ActivityKinds.AccessExplained,
            $"Previewed sharing {checkedShare.Value.TargetName} on {module} {id}: {preview!.Changes.Count} would gain access");
        await db.SaveChangesAsync(cancellationToken);
        return Result<SharePreview>.Ok(preview);
    }

    private async Task<Result<ShareView>> SaveAsync(Actor actor, string module, int id, ShareInput input, Action<SharePreview>? preview, CancellationToken cancellationToken)
    {
        var opened = await records.OpenAsync(actor, module, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<ShareView>();
        }

        var record = opened.Value;
        if (actor.IsPreview)
        {
            return Result<ShareView>.Forbidden(RecordEditing.PreviewRefused);
        }

        if (!record.MayShare)
        {
            return Result<ShareView>.Forbidden($"Only the owner of {record.Link.Label} and who may edit it can share it.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        var access = input.Access?.Trim().ToLowerInvariant() switch
        {
            "read" => ShareAccess.Read,
            "edit" => ShareAccess.Edit,
            _ => (ShareAccess?)null,
        };
        if (access is null)
        {
            errors.Add("access", "Choose the access: read or edit.");
        }
        else if (access == ShareAccess.Edit && !record.MayShareForEdit)
        {
            errors.Add("access", $"You may not edit {record.Link.Label}, so you can share it for reading only.");
        }

        if (input.EndsAt is { } end && end.ToUniversalTime() <= now)
        {
            errors.Add("endsAt", "The end must be in the future; leave it empty for a share without end.");
        }

        var targetName = await CheckTargetAsync(actor, record, input, errors, cancellationToken);
        if (errors.Any || targetName is null)
        {
            return Result<ShareView>.Invalid(errors);
        }

        var share = await db.RecordShares.FirstOrDefaultAsync(s => s.Module == module && s.RecordId == id
            && s.UserId == input.UserId && s.GroupId == input.GroupId && s.RoleId == input.RoleId && s.DepartmentId == input.DepartmentId
            && s.WithSubordinates == (input.RoleId != null && input.WithSubordinates == true), cancellationToken);
        if (share is null)
        {
            share = new Share
            {
                Module = module,
                RecordId = id,
                UserId = input.UserId,
                GroupId = input.GroupId,
                RoleId = input.RoleId,
                WithSubordinates = input.RoleId is not null && input.WithSubordinates == true,
                DepartmentId = input.DepartmentId,
                CreatedAt = now,
            };
            db.RecordShares.Add(share);
        }

        var before = preview is null ? null : (await holders.HoldersAsync(record, cancellationToken)).Holders;
        share.Access = access!.Value;
        share.EndsAt = input.EndsAt?.ToUniversalTime();
        if (preview is not null)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            var after = (await holders.HoldersAsync(record, cancellationToken)).Holders;
            var view = SharedRecords.View(share, targetName, now);
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            preview(new SharePreview(view, [.. after
                .Select(a => (After: a, Before: before!.FirstOrDefault(b => b.UserId == a.UserId)))
                .Where(p => p.Before is null || (p.After.MayEdit && !p.Before.MayEdit))
                .Select(p => new AccessChange(p.After.UserId, p.After.Name, p.Before is null ? "none" : "view", p.After.MayEdit ? "edit" : "view"))]));
            return Result<ShareView>.Ok(view);
        }

        var changes = new JsonObject
        {
            ["sharedWith"] = new JsonObject { ["new"] = targetName },
            ["access"] = new JsonObject { ["new"] = SharedRecords.AccessName(share.Access) },
        };
        if (share.EndsAt is { } ends)
        {
            changes["endsAt"] = new JsonObject { ["new"] = ends.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        }

        audit.Note(module, id.ToString(System.Globalization.CultureInfo.InvariantCulture), record.Link.Label, Shared, changes);
        await db.SaveChangesAsync(cancellationToken);
        return Result<ShareView>.Ok(SharedRecords.View(share, targetName, now));
    }

    private static readonly ShareTargetCheck.Wording s_wording = new(
        "Choose whom to share with: a user, a group, a role or a department.",
        "Share with one target at a time: give only one of userId, groupId, roleId and departmentId.",
        "Only a share with a role can include the roles below it.");

    /// <summary>Exactly one target that exists and is not the sharer; its name for the history, or null after an error.</summary>
    private async Task<string?> CheckTargetAsync(Actor actor, SharedRecord record, ShareInput input, FieldErrors errors, CancellationToken cancellationToken)
    {
        var name = await ShareTargetCheck.NameAsync(db, input.UserId, input.GroupId, input.RoleId, input.WithSubordinates, input.DepartmentId, s_wording, errors, cancellationToken);
        if (name is not null && input.UserId is { } userId)
        {
            if (userId == actor.UserId)
            {
                errors.Add("userId", "You cannot share a record with yourself.");
            }
            else if (userId == record.Ownership.OwnerId)
            {
                errors.Add("userId", $"{record.Link.Label} is theirs already: they own it.");
            }
        }

        return name;
    }
}
