using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Access;

/// <summary>
/// The modules × actions grid with a scope per cell, as posted by the grant-matrix partial:
/// field <c>Grants[module:action]</c> holds a <see cref="Scope"/> name, or nothing for "inherit"
/// (overrides only).
/// </summary>
public sealed record GrantMatrix(IReadOnlyList<ModuleDefinition> Modules, IReadOnlyDictionary<string, Scope> Values, bool OffersInherit, string? InheritLabel = null)
{
    public static string Key(string module, string action) => $"{module}:{action}";

    /// <summary>Short labels keep the whole matrix on one screen; the legend above it spells them out.</summary>
    public static string ShortName(Scope scope) => scope switch
    {
        Scope.Subordinates => "Subord.",
        Scope.Department => "Dept.",
        _ => scope.ToString(),
    };

    public Scope? ValueOf(string module, string action) => Values.TryGetValue(Key(module, action), out var scope) ? scope : null;

    public IReadOnlyList<string> Actions => Modules.SelectMany(m => m.Actions).Distinct(StringComparer.Ordinal).ToList();

    public static IReadOnlyDictionary<string, Scope> From(IEnumerable<GrantInput> grants) =>
        grants.ToDictionary(g => Key(g.Module, g.Action), g => g.Scope, StringComparer.Ordinal);

    /// <summary>Reads the posted cells; unknown or empty cells are left out (the use case validates the rest).</summary>
    public static IReadOnlyList<GrantInput> Read(IDictionary<string, string>? posted, bool emptyMeansInherit) =>
        (posted ?? new Dictionary<string, string>())
            .Where(p => !(emptyMeansInherit && string.IsNullOrEmpty(p.Value)))
            .Select(p => (Parts: p.Key.Split(':', 2), p.Value))
            .Where(p => p.Parts.Length == 2)
            .Select(p => new GrantInput(p.Parts[0], p.Parts[1], Enum.TryParse<Scope>(p.Value, out var scope) ? scope : (Scope)(-1)))
            .ToList();
}
