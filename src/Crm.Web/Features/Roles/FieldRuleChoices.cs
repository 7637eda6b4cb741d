using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Roles;

/// <summary>The field-rules part of the role and profile screens: every restrictable field, grouped by module, with the rule to show for each.</summary>
public sealed record FieldRuleChoices(IReadOnlyList<RestrictableField> Fields, Func<string, string, FieldAccess?> RuleOf)
{
    public IEnumerable<IGrouping<ModuleDefinition, RestrictableField>> ByModule => Fields.GroupBy(f => f.Module);

    /// <summary>A rule posted from the screen: empty is no rule; a value that is not a rule is kept as an undefined one, which the save refuses with its message.</summary>
    public static List<FieldRuleInput> Read(IReadOnlyDictionary<string, string> posted) =>
        posted.Select(p => (Parts: p.Key.Split(':', 2), p.Value)).Where(p => p.Parts.Length == 2)
            .Select(p => new FieldRuleInput(p.Parts[0], p.Parts[1], string.IsNullOrEmpty(p.Value) ? null
                : Enum.TryParse<FieldAccess>(p.Value, ignoreCase: false, out var access) && Enum.IsDefined(access) ? access : (FieldAccess)(-1)))
            .ToList();
}
