using System.Collections.Concurrent;
using System.Text;
using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Countries;
using Crm.Web.Features.Email;
using Crm.Web.Features.Notifications;
using Crm.Web.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Web.Features.Audit;

/// <summary>
/// The conventions of the audit capture, in one place: which entity types are technical (not
/// audited), which properties are secrets (never written, only "(changed)"), which are bookkeeping
/// (left out of an update's changes), and how an entity is named and labelled.
/// </summary>
public static class AuditNames
{
    /// <summary>Marker written instead of a secret's value in an update.</summary>
    public const string SecretChanged = "(changed)";

    /// <summary>Marker written instead of a secret's value in a created or deleted state.</summary>
    public const string SecretHidden = "(secret)";

    // Technical tables: the trail itself, the activity log, sessions, the outbox, key storage,
    // notifications, the country matcher's counters, the permission stamp (a cache token that
    // changes with every permission change, which is audited itself) and the scheduler's lease
    // rows, the trail's own seals and work list, the retention job's anchors and guard (its run is recorded by a "pruned" entry). Everything else is audited by default,
    // so a new feature's entities are covered without code.
    private static readonly HashSet<Type> s_notAudited =
    [
        typeof(AuditEntry), typeof(ActivityEntry), typeof(UserSession), typeof(OutgoingEmail),
        typeof(DataProtectionKey), typeof(Notification), typeof(CountryMismatch),
        typeof(Security.Permissions.PermissionStamp), typeof(Scheduler.ScheduledJob),
        typeof(AuditGap), typeof(AuditRetentionGuard), typeof(AuditSeal), typeof(AuditPending),
        // The audit check's own record of its runs, read by the health dashboard.
        typeof(AuditVerification),
        // The erasure's guard rows live only inside its transaction (ADR 0036); its run is recorded by an "erased" entry.
        typeof(AuditRedactionGuard),
        // Webhook deliveries and attempts are the trail's own readers (ADR 0026): auditing them would feed the fan-out its own output.
        typeof(Webhooks.WebhookDelivery), typeof(Webhooks.WebhookAttempt), typeof(Webhooks.WebhookCursor),
        // A token's daily figures are counters, added to by every flush (ADR 0028), not a story.
        typeof(ApiTokens.ApiTokenDailyUsage),
        // Likewise the automation engine's runs, queued actions and cursor (ADR 0029); the rules themselves are audited.
        typeof(Automation.AutomationRun), typeof(Automation.AutomationActionRun), typeof(Automation.AutomationCursor),
        // Key storage like the key ring: its one row is made on first use, by no one in particular.
        typeof(Vault.VaultKey),
        // A remembered Idempotency-Key and its answer: the request it answers is audited by what it changed.
        typeof(IdempotencyKeys.IdempotentRequest),
        // The health job's daily figures and last announced states, rewritten every minute (ADR 0031); the thresholds are audited.
        typeof(Health.HealthReading), typeof(Health.HealthStatus),
        // An import's work records (ADR 0038): the records it writes are audited, each entry carrying the import's request ID.
        typeof(Import.ImportRun), typeof(Import.ImportFile), typeof(Import.ImportRow), typeof(Import.ImportMapping),
    ];

    // Bookkeeping that changes on every save or every use: shown in created/deleted states, not as an update.
    private static readonly HashSet<string> s_bookkeeping =
    [
        nameof(OwnedRecord.Version), nameof(OwnedRecord.ModifiedAt), nameof(OwnedRecord.ModifiedById),
        "LastSignInAt", "LastSeenAt", "LastUsedAt", "UseCount",
    ];

    // Derived or concurrency columns: never part of the story.
    private static readonly HashSet<string> s_ignored = ["ConcurrencyStamp", "NormalizedEmail", "NormalizedUserName"];

    private static readonly ConcurrentDictionary<Type, string> s_moduleKeys = new();
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    public static bool IsAudited(Type clrType) => !s_notAudited.Contains(clrType);

    public static bool IsIgnored(string property) => s_ignored.Contains(property);

    public static bool IsBookkeeping(string property) => s_bookkeeping.Contains(property);

    /// <summary>Password hashes, security stamps, token hashes, encrypted or protected values, Identity's stored tokens.</summary>
    public static bool IsSecret(Type clrType, string property) =>
        property is "PasswordHash" or "SecurityStamp"
        || property.EndsWith("Hash", StringComparison.Ordinal)
        || property.Contains("Secret", StringComparison.Ordinal)
        || property.Contains("Encrypted", StringComparison.Ordinal)
        || property.Contains("Protected", StringComparison.Ordinal)
        || (clrType == typeof(IdentityUserToken<Guid>) && property == "Value");

    /// <summary>The field name as history, field rules and the API spell it (camelCase).</summary>
    public static string FieldName(string property) =>
        property.Length == 0 ? property : char.ToLowerInvariant(property[0]) + property[1..];

    /// <summary>
    /// Names the audit wrote some records under before their module learnt to say its record type,
    /// and the module they belong to. The trail is a hash chain, so those rows keep their name; the
    /// readers (history, restore, retention) find them by <see cref="WrittenNames"/>.
    /// </summary>
    private static readonly Dictionary<string, string> s_formerNames = new(StringComparer.Ordinal)
    {
        // File objects, until FileLookup named FileObject as its record type.
        ["file-object"] = "files",
    };

    /// <summary>Learns the module key of each CRM record type from the registered lookups (OwnedRecordLookup&lt;T&gt;, or one that is an <see cref="IAuditedRecords"/>).</summary>
    public static void LearnModules(IEnumerable<IRecordLookup> lookups)
    {
        foreach (var lookup in lookups)
        {
            if (lookup is IAuditedRecords named)
            {
                s_moduleKeys.TryAdd(named.RecordType, lookup.ModuleKey);
                continue;
            }

            for (var type = lookup.GetType(); type is not null; type = type.BaseType)
            {
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(OwnedRecordLookup<>))
                {
                    s_moduleKeys.TryAdd(type.GetGenericArguments()[0], lookup.ModuleKey);
                    break;
                }
            }
        }
    }

    public static bool KnowsModules => !s_moduleKeys.IsEmpty;

    /// <summary>The CLR type of a module's records, if a lookup registered it.</summary>
    public static Type? TypeOfModule(string module) => s_moduleKeys.FirstOrDefault(p => p.Value == module).Key;

    public static bool IsModule(string entityType) => s_moduleKeys.Values.Contains(entityType);

    /// <summary>Every name the trail holds entries of this entity type under: its name and its former ones.</summary>
    public static IReadOnlyList<string> WrittenNames(string entityType) =>
        [entityType, .. s_formerNames.Where(f => f.Value == entityType).Select(f => f.Key)];

    /// <summary>The entity type a written name stands for today (a former name gives its module).</summary>
    public static string CurrentName(string writtenName) => s_formerNames.GetValueOrDefault(writtenName, writtenName);

    /// <summary>The module key of a CRM record type; else a stable kebab-case name (<c>CrmUser</c> → <c>user</c>, <c>IdentityUserClaim</c> → <c>user-claim</c>).</summary>
    public static string EntityType(Type clrType) =>
        s_moduleKeys.TryGetValue(clrType, out var module) ? module : s_names.GetOrAdd(clrType, Kebab);

    private static string Kebab(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        foreach (var prefix in new[] { "Identity", "Crm" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length && char.IsUpper(name[prefix.Length]))
            {
                name = name[prefix.Length..];
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>How the entity is named: a CRM record's label, else its name, email or title, else type and key.</summary>
    public static string Label(EntityEntry entry, string entityType, string entityId, bool original)
    {
        if (entry.Entity is OwnedRecord record && !original)
        {
            return Bound(record.Label, 300);
        }

        foreach (var candidate in new[] { "Label", "FullName", "Name", "DisplayName", "Title", "Email", "UserName" })
        {
            var property = entry.Metadata.FindProperty(candidate);
            if (property is not null && property.ClrType == typeof(string))
            {
                var value = original ? entry.OriginalValues[property] : entry.CurrentValues[property];
                if (value is string text && !string.IsNullOrWhiteSpace(text))
                {
                    return Bound(text, 300);
                }
            }
        }

        if (entry.Entity is OwnedRecord deleted)
        {
            return Bound(deleted.Label, 300);
        }

        return Bound($"{entityType} {entityId}", 300);
    }

    public static string Bound(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

/// <summary>
/// A lookup that is not an <see cref="OwnedRecordLookup{T}"/> (its module decides visibility its
/// own way) names its record type, so the audit writes those records under the module key and their
/// history page finds them.
/// </summary>
public interface IAuditedRecords
{
    Type RecordType { get; }
}
