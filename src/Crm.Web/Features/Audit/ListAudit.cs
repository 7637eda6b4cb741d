using System.Globalization;
using System.Text.RegularExpressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>Filters of the audit list and of the deleted objects (administrators).</summary>
public sealed record AuditQuery(
    string? EntityType = null, string? EntityId = null, Guid? UserId = null, string? Action = null,
    DateTime? From = null, DateTime? To = null, string? Search = null, string? Cursor = null, int? PageSize = null);

public sealed record AuditItem(
    long Id, DateTime At, string When, string ActorKind, Guid? ActorUserId, string ActorName, string? ApiTokenName, Guid? PreviewedById,
    string? IpAddress, string? UserAgent, string? RequestId, string EntityType, string EntityId, string Label, string Action, string Changes,
    bool Restored);

public sealed record AuditList(IReadOnlyList<AuditItem> Items, string? NextCursor);

/// <summary>
/// The audit trail for administrators, newest first, keyset-paged by entry id: filter by entity
/// type and id, user, action and time; search "ID 123" or by label. <see cref="DeletedAsync"/> is
/// the deleted objects: deleted entries, each marked when the object was restored since.
/// </summary>
public sealed partial class ListAudit(CrmDb db)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public Task<Result<AuditList>> RunAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken) =>
        ListAsync(actor, query, cancellationToken);

    public Task<Result<AuditList>> DeletedAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken) =>
        ListAsync(actor, query with { Action = AuditActions.Deleted }, cancellationToken);

    private async Task<Result<AuditList>> ListAsync(Actor actor, AuditQuery query, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<AuditList>.Forbidden("Only administrators may read the audit trail.");
        }

        var errors = new FieldErrors();
        var before = errors.BeforeCursor(query.Cursor);
        var size = errors.PageSize(query.PageSize, DefaultPageSize, MaxPageSize);

        if (query.From is { } f && query.To is { } t && f > t)
        {
            errors.Add("to", "The end of the period must not be before its start.");
        }

        if (errors.Any)
        {
            return Result<AuditList>.Invalid(errors);
        }

        var rows = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            var type = query.EntityType.Trim();
            rows = rows.Where(e => e.EntityType == type);
        }

        var entityId = query.EntityId?.Trim();
        var search = query.Search?.Trim();
        if (!string.IsNullOrEmpty(search) && IdSearch().Match(search) is { Success: true } match)
        {
            entityId = match.Groups[1].Value;
            search = null;
        }

        if (!string.IsNullOrEmpty(entityId))
        {
            rows = rows.Where(e => e.EntityId == entityId);
        }

        if (!string.IsNullOrEmpty(search))
        {
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE.
            var term = search.ToLowerInvariant();
            rows = rows.Where(e => e.Label.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        if (query.UserId is { } user)
        {
            rows = rows.Where(e => e.ActorUserId == user);
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            rows = rows.Where(e => e.Action == action);
        }

        if (query.From is { } from)
        {
            var utc = from.ToUniversalTime();
            rows = rows.Where(e => e.At >= utc);
        }

        if (query.To is { } to)
        {
            var utc = to.ToUniversalTime();
            rows = rows.Where(e => e.At < utc);
        }

        if (before is { } b)
        {
            rows = rows.Where(e => e.Id < b);
        }

        var page = await rows.OrderByDescending(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        var more = page.Count > size;
        page = [.. page.Take(size)];

        // A deleted object restored (or re-created with its id) since is marked as such.
        var restored = new HashSet<(string, string)>();
        var deletions = page.Where(e => e.Action == AuditActions.Deleted).ToList();
        if (deletions.Count > 0)
        {
            var ids = deletions.Select(d => d.EntityId).Distinct().ToList();
            var minId = deletions.Min(d => d.Id);
            var later = await db.AuditEntries.AsNoTracking()
                .Where(e => e.Id > minId && ids.Contains(e.EntityId) && (e.Action == AuditActions.Restored || e.Action == AuditActions.Created))
                .Select(e => new { e.Id, e.EntityType, e.EntityId }).ToListAsync(cancellationToken);
            foreach (var d in deletions.Where(d => later.Any(l => AuditNames.CurrentName(l.EntityType) == AuditNames.CurrentName(d.EntityType) && l.EntityId == d.EntityId && l.Id > d.Id)))
            {
                restored.Add((d.EntityType, d.EntityId));
            }
        }

        var items = page.Select(e => new AuditItem(e.Id, e.At, AuditTime.Format(e.At), e.ActorKind, e.ActorUserId, e.ActorName, e.ApiTokenName,
            e.PreviewedById, e.IpAddress, e.UserAgent, e.RequestId, e.EntityType, e.EntityId, e.Label, e.Action, e.Changes,
            e.Action == AuditActions.Deleted && restored.Contains((e.EntityType, e.EntityId)))).ToList();
        return Result<AuditList>.Ok(new AuditList(items, more ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>The entity types present in the trail (for the type filter).</summary>
    public async Task<IReadOnlyList<string>> TypesAsync(string? action, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().Where(e => action == null || e.Action == action)
            .Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);

    [GeneratedRegex(@"^ID\s*(\d{1,18})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdSearch();
}
