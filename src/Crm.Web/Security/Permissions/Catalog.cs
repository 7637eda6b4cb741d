using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Web.Security.Permissions;

/// <summary>The actions every module has, and the module-specific ones the CRM's modules use.</summary>
public static class PermissionAction
{
    public const string View = "view";
    public const string Create = "create";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Export = "export";

    public const string Transfer = "transfer";
    public const string Import = "import";
    public const string Review = "review";

    public static readonly IReadOnlyList<string> Standard = [View, Create, Edit, Delete, Export];
}

/// <summary>The relations a dynamic rule can name; "owner" is always known, the others come from <see cref="RecordFacts.Relations"/>.</summary>
public static class RecordRelation
{
    public const string Owner = "owner";
    public const string Author = "author";
    public const string Recipient = "recipient";
    public const string Participant = "participant";
}

public enum RuleEffect
{
    Grant,
    Deny,
}

/// <summary>A test on the record's state bag; a missing key is never equal to a value.</summary>
public sealed record StateCondition(string Key, string Value, bool Negated = false)
{
    public static StateCondition Is(string key, string value) => new(key, value);

    public static StateCondition IsNot(string key, string value) => new(key, value, Negated: true);

    public bool HoldsFor(IReadOnlyDictionary<string, string> state) =>
        (state.TryGetValue(Key, out var actual) && string.Equals(actual, Value, StringComparison.Ordinal)) != Negated;

    public override string ToString() => $"{Key} {(Negated ? "is not" : "is")} {Value}";

    public string Actual(IReadOnlyDictionary<string, string> state) =>
        state.TryGetValue(Key, out var actual) ? $"{Key} is {actual}" : $"{Key} is not set";
}

/// <summary>
/// A record-level rule kept as data so the administration screens can list it and the explainer
/// can quote it: when the subject holds <paramref name="Relation"/> to the record (and the state
/// condition holds), the actions are granted or denied. A deny beats every grant but the
/// administrator bypass.
/// </summary>
public sealed record DynamicRule(
    string Name,
    string Description,
    RuleEffect Effect,
    IReadOnlyList<string> Actions,
    string Relation,
    StateCondition? When = null);

public sealed record ModuleDefinition(
    string Key,
    string Title,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> SensitiveFields,
    IReadOnlyList<DynamicRule> Rules)
{
    /// <summary>How one record is named in sentences ("Deal 42"); the title if not set.</summary>
    public string? RecordName { get; init; }

    public string NameOf(int recordId) => $"{RecordName ?? Title} {recordId}";

    public bool Has(string action) => Actions.Contains(action, StringComparer.Ordinal);

    public static ModuleDefinition Standard(string key, string title, string recordName, params string[] extraActions) =>
        new(key, title, [.. PermissionAction.Standard, .. extraActions], [], []) { RecordName = recordName };
}

/// <summary>
/// Every module registered by the features. Built once at start; a mistake in a definition stops
/// the application there rather than surfacing as a wrong answer later.
/// </summary>
public sealed class PermissionCatalog
{
    private readonly Dictionary<string, ModuleDefinition> _modules = new(StringComparer.Ordinal);

    public PermissionCatalog(IEnumerable<ModuleDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var module in definitions)
        {
            Validate(module);
            if (!_modules.TryAdd(module.Key, module))
            {
                throw new InvalidOperationException($"Module '{module.Key}' is registered twice.");
            }
        }

        Modules = [.. _modules.Values];
    }

    public IReadOnlyList<ModuleDefinition> Modules { get; }

    public ModuleDefinition this[string key] =>
        _modules.TryGetValue(key, out var module) ? module : throw new ArgumentException($"Unknown module '{key}'.", nameof(key));

    private static void Validate(ModuleDefinition module)
    {
        if (string.IsNullOrWhiteSpace(module.Key) || string.IsNullOrWhiteSpace(module.Title))
        {
            throw new InvalidOperationException("A module needs a key and a title.");
        }

        // Lists are filtered by view, so a module without it could never show a record.
        if (!module.Has(PermissionAction.View))
        {
            throw new InvalidOperationException($"Module '{module.Key}' has no '{PermissionAction.View}' action.");
        }

        if (module.Actions.Distinct(StringComparer.Ordinal).Count() != module.Actions.Count)
        {
            throw new InvalidOperationException($"Module '{module.Key}' lists an action twice.");
        }

        if (module.Rules.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != module.Rules.Count)
        {
            throw new InvalidOperationException($"Module '{module.Key}' has two rules with the same name.");
        }

        foreach (var rule in module.Rules)
        {
            if (rule.Actions.Count == 0 || !rule.Actions.All(module.Has) || string.IsNullOrWhiteSpace(rule.Relation))
            {
                throw new InvalidOperationException(
                    $"Rule '{rule.Name}' of module '{module.Key}' needs a relation and known actions (has: {string.Join(", ", rule.Actions)}).");
            }
        }
    }
}

public static class PermissionRegistration
{
    /// <summary>Registers the catalog and the engine; each feature adds its modules with <see cref="AddModule"/>.</summary>
    public static IServiceCollection AddPermissions(this IServiceCollection services)
    {
        services.TryAddSingleton<PermissionCatalog>();
        services.TryAddSingleton<PermissionEngine>();
        return services;
    }

    public static IServiceCollection AddModule(this IServiceCollection services, ModuleDefinition definition) =>
        services.AddSingleton(definition);
}

/// <summary>The CRM's modules, referenced by the features that register them.</summary>
public static class CrmModules
{
    public const string MemoStage = "stage";
    public const string MemoReviewed = "reviewed";

    public static readonly ModuleDefinition Companies = ModuleDefinition.Standard("companies", "Companies", "Company", PermissionAction.Transfer, PermissionAction.Import);
    public static readonly ModuleDefinition Contacts = ModuleDefinition.Standard("contacts", "Contacts", "Contact", PermissionAction.Import);
    public static readonly ModuleDefinition Leads = ModuleDefinition.Standard("leads", "Leads", "Lead", PermissionAction.Import);
    public static readonly ModuleDefinition Deals = ModuleDefinition.Standard("deals", "Deals", "Deal") with { SensitiveFields = ["amount"] };
    public static readonly ModuleDefinition Products = ModuleDefinition.Standard("products", "Products", "Product", PermissionAction.Import);
    public static readonly ModuleDefinition Tasks = ModuleDefinition.Standard("tasks", "Tasks", "Task");
    public static readonly ModuleDefinition Emails = ModuleDefinition.Standard("emails", "Emails", "Email");
    public static readonly ModuleDefinition Files = ModuleDefinition.Standard("files", "Files", "File");
    public static readonly ModuleDefinition Countries = ModuleDefinition.Standard("countries", "Countries", "Country");

    public static readonly ModuleDefinition Memos = ModuleDefinition.Standard("memos", "Memos", "Memo", PermissionAction.Review) with
    {
        Rules =
        [
            new("memo-author-sees", "The author always sees the memo", RuleEffect.Grant, [PermissionAction.View], RecordRelation.Author),
            new("memo-reviewed-locked", "Once reviewed, the author can no longer edit or delete the memo", RuleEffect.Deny,
                [PermissionAction.Edit, PermissionAction.Delete], RecordRelation.Author, StateCondition.Is(MemoStage, MemoReviewed)),
            new("memo-recipient-reviews", "The recipient can review the memo until it is reviewed", RuleEffect.Grant,
                [PermissionAction.Review], RecordRelation.Recipient, StateCondition.IsNot(MemoStage, MemoReviewed)),
        ],
    };

    public static readonly IReadOnlyList<ModuleDefinition> All =
        [Companies, Contacts, Leads, Deals, Products, Tasks, Memos, Emails, Files, Countries];
}

public static class CrmModuleRegistration
{
    /// <summary>
    /// Registers the permission engine and the CRM's modules, so roles can be configured before
    /// the records exist. Each object feature takes over its own <c>AddModule</c> when it lands.
    /// </summary>
    public static IServiceCollection AddCrmPermissions(this IServiceCollection services)
    {
        services.AddPermissions();
        foreach (var module in CrmModules.All)
        {
            services.AddModule(module);
        }

        services.AddScoped<PermissionSubjects>();
        services.AddScoped<RequestPermissionStamp>();
        services.AddSingleton<PermissionSubjectCache>();
        services.AddScoped<Access>();
        return services;
    }
}
