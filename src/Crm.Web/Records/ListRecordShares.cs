using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>Who may see or change a record, and the steps of the explainer that let them.</summary>
public sealed record RecordAccessHolder(Guid UserId, string Name, bool MayEdit, IReadOnlyList<string> Why);

/// <summary>A record's shares and, when asked, everyone who has access to it and why.</summary>
public sealed record RecordSharing(string Module, string ModuleTitle, int Id, string Label, string Url, bool MayShare, bool MayShareForEdit,
    IReadOnlyList<ShareView> Shares, IReadOnlyList<RecordAccessHolder>? Access)
{
    /// <summary>True when more active users exist than were examined for <see cref="Access"/>.</summary>
    public bool AccessCut { get; init; }
}

/// <summary>
/// The record's sharing page and <c>GET /api/v1/{module}/{id}/shares</c>: its shares, and (on the
/// page, or with <c>?access=true</c>) who has access and why. Each person's access is decided by the
/// module's own rules, exactly as their requests are; the reasons are the explainer's steps that
/// let them through (owner, scope, organisation default, share, sharing rule, record rule).
/// </summary>
public sealed class ListRecordShares(CrmDb db, SharedRecords records, RecordLookups lookups, PermissionSubjects subjects, PermissionEngine engine, RecordAccess access)
{
    /// <summary>The most people examined for "who has access"; each costs a decision or two.</summary>
    public const int AccessLimit = 200;

    public async Task<Result<RecordSharing>> RunAsync(Actor actor, string module, int id, bool withAccess, CancellationToken cancellationToken)
    {
        var opened = await records.OpenAsync(actor, module, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<RecordSharing>();
        }

        var record = opened.Value;
        var shares = await records.SharesAsync(module, id, cancellationToken);
        (IReadOnlyList<RecordAccessHolder> Holders, bool Cut)? holders = withAccess ? await HoldersAsync(record, cancellationToken) : null;
        return Result<RecordSharing>.Ok(new RecordSharing(module, record.Module.Title, id, record.Link.Label, record.Link.Url, record.MayShare, record.MayShareForEdit,
            shares, holders?.Holders) { AccessCut = holders?.Cut ?? false });
    }

    /// <summary>Who may view the record now (and edit it), with why; the share preview asks it before and after a share.</summary>
    public async Task<(IReadOnlyList<RecordAccessHolder> Holders, bool Cut)> HoldersAsync(SharedRecord record, CancellationToken cancellationToken)
    {
        var lookup = lookups.Of(record.Module.Key)!;
        var users = await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.FullName).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.FullName, u.Email, u.IsAdministrator }).Take(AccessLimit + 1).ToListAsync(cancellationToken);
        var facts = await access.FactsAsync(record.Module.Key, record.Link.Id, record.Ownership.OwnerId, record.Ownership.DepartmentId, cancellationToken);
        var holders = new List<RecordAccessHolder>();
        foreach (var user in users.Take(AccessLimit))
        {
            var name = string.IsNullOrWhiteSpace(user.FullName) ? user.Email ?? "" : user.FullName;
            var who = new Actor(ActorKind.User, user.Id, user.IsAdministrator, name);
            if (!(await lookup.PermittedAsync(who, PermissionAction.View, [record.Link.Id], cancellationToken)).Contains(record.Link.Id))
            {
                continue;
            }

            var mayEdit = (await lookup.PermittedAsync(who, PermissionAction.Edit, [record.Link.Id], cancellationToken)).Contains(record.Link.Id);
            var why = new List<string>();
            if (user.Id == record.Ownership.OwnerId)
            {
                why.Add("Owner.");
            }

            if (await subjects.LoadAsync(user.Id, cancellationToken) is { } subject)
            {
                why.AddRange(engine.Explain(subject, record.Module.Key, PermissionAction.View, facts).Steps.Where(s => s.Opens).Select(s => s.Sentence));
            }

            if (why.Count == 0)
            {
                why.Add($"A rule of {record.Module.Title} about this record (for example its author or a responsible person).");
            }

            holders.Add(new RecordAccessHolder(user.Id, name, mayEdit, why));
        }

        return (holders, users.Count > AccessLimit);
    }
}
