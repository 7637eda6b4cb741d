namespace Crm.Web.Security.Permissions;

/// <summary>
/// The modules and actions an API token is limited to. The engine intersects them with its user's
/// permissions (<see cref="PermissionSubject.TokenScopes"/>): a scope never widens what the user
/// may, it only narrows it. A token without scopes has none of this: it may what its user may.
/// </summary>
public sealed class TokenScopes
{
    private readonly Dictionary<string, HashSet<string>> _actions;

    private TokenScopes(Dictionary<string, HashSet<string>> actions) => _actions = actions;

    /// <summary>Module key to its allowed actions, in the catalogue's order where known.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Actions =>
        _actions.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal);

    public bool Allows(string module, string action) =>
        _actions.TryGetValue(module, out var actions) && actions.Contains(action);

    /// <summary>"leads: view, create; deals: view", for sentences and the token list.</summary>
    public string Describe() =>
        string.Join("; ", _actions.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}: {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));

    /// <summary>The stored form, "deals:view;leads:create,view": sorted, so equal scopes store equally.</summary>
    public string ToStored() =>
        string.Join(';', _actions.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}:{string.Join(',', p.Value.Order(StringComparer.Ordinal))}"));

    /// <summary>Reads the stored form; null (or empty) is "no scopes", the token's user's full permissions.</summary>
    public static TokenScopes? FromStored(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        var actions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var part in stored.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                actions[part[..colon]] = [.. part[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)];
            }
        }

        // A stored value that names nothing must not turn into "no scopes" (everything): it allows nothing.
        return new TokenScopes(actions);
    }

    /// <summary>
    /// Checks chosen scopes against the catalogue: every module must exist and every action be one
    /// of its actions, and a chosen module needs at least one action. Null or empty input is "no
    /// scopes". Returns the messages for the field; the scopes only when there are none.
    /// </summary>
    public static (TokenScopes? Scopes, IReadOnlyList<string> Errors) Parse(
        IReadOnlyDictionary<string, IReadOnlyList<string>?>? chosen, PermissionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (chosen is null || chosen.Count == 0)
        {
            return (null, []);
        }

        var errors = new List<string>();
        var actions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (key, wanted) in chosen)
        {
            var module = catalog.Modules.FirstOrDefault(m => m.Key == key);
            if (module is null)
            {
                errors.Add($"Unknown module '{Shorten(key)}'. Modules: {string.Join(", ", catalog.Modules.Select(m => m.Key))}.");
                continue;
            }

            var list = wanted ?? [];
            if (list.Count == 0)
            {
                errors.Add($"Choose at least one action of {module.Title}, or leave the module out.");
                continue;
            }

            foreach (var action in list.Where(a => !module.Has(a)))
            {
                errors.Add($"{module.Title} has no action '{Shorten(action)}'. Its actions: {string.Join(", ", module.Actions)}.");
            }

            actions[module.Key] = [.. list.Where(module.Has)];
        }

        return errors.Count > 0 ? (null, errors) : (new TokenScopes(actions), []);
    }

    // An unknown name is echoed back in the message; a pasted novel is not.
    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}
