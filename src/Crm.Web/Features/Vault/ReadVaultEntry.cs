using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Features.Audit;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Vault;

/// <summary>One line of an entry's history: who changed what, never a value of a secret ("password changed").</summary>
public sealed record VaultHistoryLine(DateTime At, string Who, string What);

/// <summary>A grant as the pages and the API show it.</summary>
public sealed record VaultGrantView(long Id, string Target, string Access);

/// <summary>An entry's page: its fields without secrets, its grants (for administrators) and its history.</summary>
public sealed record VaultEntryDetails(VaultEntrySummary Entry, IReadOnlyList<VaultGrantView> Grants, IReadOnlyList<VaultHistoryLine> History);

/// <summary>Opens an entry the actor's grants reach (404 otherwise), without decrypting anything.</summary>
public sealed class ReadVaultEntry(CrmDb db, VaultAccess access, TimeProvider clock)
{
    public const string AuditEntityType = "vault-entry";

    public async Task<Result<VaultEntryDetails>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var opened = await access.OpenAsync(actor, id, tracked: false, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<VaultEntryDetails>();
        }

        var (entry, reach) = opened.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var summary = VaultEntrySummary.Of(entry, entry.Category!.Name, entry.Category.RotationDays, reach.MayEdit(entry.Id, entry.CategoryId), now);
        var grants = actor.IsAdministrator ? await GrantsAsync(db, entryId: entry.Id, categoryId: null, cancellationToken) : [];
        var key = entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var history = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == AuditEntityType && a.EntityId == key)
            .OrderByDescending(a => a.Id).Take(50).Select(a => new { a.At, a.ActorName, a.Action, a.Changes }).ToListAsync(cancellationToken);
        return Result<VaultEntryDetails>.Ok(new VaultEntryDetails(summary, grants,
            [.. history.Select(h => new VaultHistoryLine(h.At, h.ActorName, Describe(h.Action, h.Changes)))]));
    }

    /// <summary>The grants on one entry or one category, named.</summary>
    public static async Task<IReadOnlyList<VaultGrantView>> GrantsAsync(CrmDb db, int? entryId, int? categoryId, CancellationToken cancellationToken)
    {
        var grants = await db.Set<VaultGrant>().AsNoTracking()
            .Where(g => (entryId != null && g.EntryId == entryId) || (categoryId != null && g.CategoryId == categoryId))
            .OrderBy(g => g.Id).ToListAsync(cancellationToken);
        if (grants.Count == 0)
        {
            return [];
        }

        var names = await SharingNames.LoadAsync(db, cancellationToken);
        var userIds = grants.Where(g => g.UserId is not null).Select(g => g.UserId!.Value).ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.FullName) ? u.Email ?? "" : u.FullName, cancellationToken);
        return [.. grants.Select(g => new VaultGrantView(g.Id,
            g.UserId is { } user ? $"user '{users.GetValueOrDefault(user, "?")}'" : names.Party(g.GroupId, g.DepartmentId, g.RoleId, g.WithSubordinates),
            g.Access == Security.Permissions.ShareAccess.Edit ? "edit" : "view"))];
    }

    /// <summary>"created", "changed: name, password" — secrets by their name only, since the trail holds no value of them.</summary>
    private static string Describe(string action, string changes)
    {
        if (action != AuditActions.Updated)
        {
            return action;
        }

        using var json = JsonDocument.Parse(changes);
        var fields = json.RootElement.ValueKind == JsonValueKind.Object
            ? json.RootElement.EnumerateObject().Select(p => p.Name switch
            {
                "encryptedPassword" => "password changed",
                "encryptedNotes" => "notes changed",
                "encryptedTotpSeed" => "TOTP seed changed",
                "passwordChangedAt" or "modifiedAt" => null,
                var other => $"{other} changed",
            }).OfType<string>().ToList()
            : [];
        return fields.Count == 0 ? "changed" : string.Join(", ", fields);
    }
}
