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

    /// <summary>Where the module stands in the grant matrix and every list of modules, lowest first (the features register them in another order).</summary>
    public int Order { get; init; }

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

        Modules = [.. _modules.Values.OrderBy(m => m.Order)];
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

/// <summary>
/// The CRM's modules by their well-known names (<c>CrmModules.Deals.Key</c>). Each feature declares
/// its own module in its <c>&lt;X&gt;Setup.cs</c>, as a part of this class, and registers it through
/// <see cref="Features.ICrmFeature.Modules"/>.
/// </summary>
public static partial class CrmModules
{
    // Lazy: the modules are fields of this class in other files, and the order in which the parts of
    // a partial class initialise their fields is not defined; read after all of them are set.
    private static readonly Lazy<IReadOnlyList<ModuleDefinition>> s_all =
        new(() => [.. Features.FeatureList.All.SelectMany(f => f.Modules).OrderBy(m => m.Order)]);

    /// <summary>Every module the features of <see cref="Features.FeatureList"/> register, in the catalogue's order.</summary>
    public static IReadOnlyList<ModuleDefinition> All => s_all.Value;
}

public static class CrmModuleRegistration
{
    /// <summary>
    /// Registers the permission engine and what it needs per request. The modules come from the
    /// features (<see cref="Features.CrmFeatureRegistration.AddFeatures"/>), so roles can be
    /// configured before any record exists.
    /// </summary>
    public static IServiceCollection AddCrmPermissions(this IServiceCollection services)
    {
        services.AddPermissions();
        services.AddScoped<PermissionSubjects>();
        services.AddScoped<RequestPermissionStamp>();
        services.AddSingleton<PermissionSubjectCache>();
        services.AddScoped<Access>();
        return services;
    }
}
