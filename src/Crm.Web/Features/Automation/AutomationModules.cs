using System.Globalization;
using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A module rules can watch (ADR 0050): its key, title and fields, the name the audit trail writes
/// its records under, and how one record is read as the automation user from its key (the audit
/// entry's entity ID: "12" for a lead, a GUID for a user). <see cref="WholeNumberIds"/> tells the
/// CRM's records, keyed by whole numbers, from users, keyed by GUIDs: only the former can be timed,
/// scheduled, set, sent to a webhook or linked from a task.
/// </summary>
public sealed record AutomationModule(
    string Key, string Title, string AuditedAs, Type Details, bool WholeNumberIds,
    Func<IServiceProvider, Actor, string, CancellationToken, Task<object?>> Read)
{
    public IReadOnlyList<RecordField> Fields => RecordFields.Of(Details);

    /// <summary>The record's key as the module writes it, or null when <paramref name="key"/> cannot be one of its records.</summary>
    public string? KeyOf(string? key) =>
        key is null ? null
        : WholeNumberIds ? int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id.ToString(CultureInfo.InvariantCulture) : null
        : Guid.TryParse(key, out var guid) ? guid.ToString() : null;

    /// <summary>
    /// Whether a change of the record is one rules see. For a user, an update that touches none of
    /// the fields rules know is the account's own bookkeeping (a failed sign-in's count, a lockout, a
    /// new security stamp): no rule on users reacts to someone mistyping their password.
    /// </summary>
    public bool Sees(string action, string changes)
    {
        if (WholeNumberIds || action != Audit.AuditActions.Updated)
        {
            return true;
        }

        var changed = System.Text.Json.Nodes.JsonNode.Parse(changes) as System.Text.Json.Nodes.JsonObject ?? [];
        return Fields.Any(f => changed.ContainsKey(f.Name));
    }

    /// <summary>Where a person opens the record: a CRM record's page, or a user's page in the administration.</summary>
    public string LinkTo(string key) => WholeNumberIds ? $"/{Key}/{key}" : $"/admin/users/{key}";
}

/// <summary>The modules rules can watch: every readable module, and the users.</summary>
public static class AutomationModules
{
    public static readonly IReadOnlyList<AutomationModule> All =
    [
        .. ReadableModules.All.Select(m => new AutomationModule(m.Key, m.Title, m.Key, m.Details, true, async (services, actor, key, cancellationToken) =>
            int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && await m.Read(services, actor, id, cancellationToken) is { } read ? read.Details : null)),
        UserRecords.Module,
    ];

    public static AutomationModule? Find(string? key) => All.FirstOrDefault(m => m.Key == key);

    /// <summary>The module whose records the audit trail writes under <paramref name="entityType"/> ("user" for users).</summary>
    public static AutomationModule? OfAudited(string entityType) => All.FirstOrDefault(m => m.AuditedAs == entityType);
}
