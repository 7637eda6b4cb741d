using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A named event of a module a rule can wait for (trigger <c>event</c>, the event's key in the
/// rule's trigger field): a change of a particular meaning, told from the audit entry of the change
/// itself — a lead converted, a memo reviewed, a record transferred to a new owner.
/// </summary>
public sealed record ModuleEvent(string Module, string Key, string Label, Func<ChangeFacts, bool> Happened);

/// <summary>The one list of module events; a later module (a contract signed) joins with its line here.</summary>
public static class ModuleEvents
{
    public static readonly IReadOnlyList<ModuleEvent> All =
    [
        new(CrmModules.Leads.Key, "converted", "a lead is converted", c => Filled(c, "convertedAt")),
        new(CrmModules.Memos.Key, "reviewed", "a memo is reviewed", c => Filled(c, "reviewedAt")),
        .. ReadableModules.All.Where(m => RecordFields.Find(m, "ownerId") is not null)
            .Select(m => new ModuleEvent(m.Key, "transferred", $"a record of {m.Key} is transferred to a new owner", c => c.Audited == AuditActions.Transferred)),
        // A user's deactivation (by hand or by the offboarding wizard) and reactivation are the account's IsActive turning off or on (ADR 0050).
        new(UserRecords.ModuleKey, "deactivated", "a user is deactivated", c => Turned(c, "isActive", false)),
        new(UserRecords.ModuleKey, "reactivated", "a user is reactivated", c => Turned(c, "isActive", true)),
    ];

    public static ModuleEvent? Find(string? module, string? key) => All.FirstOrDefault(e => e.Module == module && e.Key == key);

    public static IEnumerable<ModuleEvent> Of(string? module) => All.Where(e => e.Module == module);

    /// <summary>The change turned a yes/no field to <paramref name="value"/>.</summary>
    private static bool Turned(ChangeFacts change, string field, bool value) =>
        change.Changes.TryGetValue(field, out var turned) && bool.TryParse(turned.New, out var now) && now == value;

    /// <summary>The change gave the field a value: the moment a lead's conversion or a memo's review is stamped.</summary>
    private static bool Filled(ChangeFacts change, string field) =>
        change.Changes.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value.New);
}
