using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Operations;

/// <summary>
/// The README's settings table tells operators each setting's default. For every settings class
/// (a class of the app with a <c>Section</c> constant, bound from that section), each default the
/// table gives must be the class's own: a default changed in code and not in the README is the
/// kind of error no reader can see (the webhook sender's batch was documented as 20 while it was 100).
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed partial class ReadmeSettingsTests
{
    [Fact]
    public void Every_default_the_readme_gives_for_a_settings_class_is_the_class_default()
    {
        var defaults = CodeDefaults();
        var compared = 0;
        var wrong = new List<string>();
        foreach (var (name, documented) in DocumentedDefaults())
        {
            if (!defaults.TryGetValue(name, out var actual))
            {
                continue;
            }

            compared++;
            if (!string.Equals(documented, actual, StringComparison.OrdinalIgnoreCase))
            {
                wrong.Add($"{name}: the README says {documented}, the code's default is {actual}");
            }
        }

        Assert.Empty(wrong);
        // Not a check of nothing: the table names most of the settings classes' settings.
        Assert.True(compared >= 20, $"Only {compared} documented defaults belong to a settings class.");
    }

    /// <summary>"Section:Property" → the default, as the README would write it, for every settings class.</summary>
    private static Dictionary<string, string> CodeDefaults()
    {
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } section
                && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                Flatten((string)section.GetRawConstantValue()!, Activator.CreateInstance(type)!, defaults);
            }
        }

        Assert.NotEmpty(defaults);
        return defaults;
    }

    private static void Flatten(string prefix, object options, Dictionary<string, string> defaults)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p is { CanRead: true, CanWrite: true }))
        {
            var name = $"{prefix}:{property.Name}";
            switch (property.GetValue(options))
            {
                case null:
                    break;
                case string text:
                    defaults[name] = text;
                    break;
                case bool flag:
                    defaults[name] = flag ? "true" : "false";
                    break;
                case IFormattable value when property.PropertyType.IsValueType:
                    defaults[name] = value.ToString(null, CultureInfo.InvariantCulture);
                    break;
                case IEnumerable items:
                    defaults[name] = string.Join(", ", items.Cast<object>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));
                    break;
                case var inner when property.PropertyType.Assembly == typeof(Program).Assembly:
                    Flatten(name, inner, defaults);
                    break;
            }
        }
    }

    /// <summary>
    /// The README's settings rows whose defaults are all written as code: <c>| `A:B:C` / `D` | `1` / `2` |</c>
    /// names A:B:C and A:B:D; a list is <c>`443`, `80`</c> for one name. Defaults in words ("(none)", "off") are left out.
    /// </summary>
    private static IEnumerable<(string Name, string Default)> DocumentedDefaults()
    {
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot.Path, "README.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 4 || !cells[1].StartsWith('`'))
            {
                continue;
            }

            var names = Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            if (names.Count == 0)
            {
                continue;
            }

            var full = names[0];
            var parent = full.Contains(':', StringComparison.Ordinal) ? full[..full.LastIndexOf(':')] : "";
            var qualified = names.Select((n, i) => i == 0 || n.Contains(':', StringComparison.Ordinal) ? n : $"{parent}:{n}").ToList();
            var values = cells[2].Split(" / ");
            if (qualified.Count == 1 && WholeCode().IsMatch(cells[2].Replace("`, `", ", ", StringComparison.Ordinal)))
            {
                yield return (qualified[0], cells[2].Replace("`", "", StringComparison.Ordinal));
            }
            else if (values.Length == qualified.Count && values.All(v => WholeCode().IsMatch(v)))
            {
                for (var i = 0; i < values.Length; i++)
                {
                    yield return (qualified[i], values[i].Trim('`'));
                }
            }
        }
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex("^`[^`]+`$")]
    private static partial Regex WholeCode();
}
