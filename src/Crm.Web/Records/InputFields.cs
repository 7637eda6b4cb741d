using System.Reflection;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>
/// The input properties a flag of a module's field flags stands for when that is not the property of
/// its own name, e.g. a task's <c>Related</c> for <c>RelatedModule</c> and <c>RelatedId</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class InputPropertiesAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}

/// <summary>
/// Which body fields of a save's input (<c>TInput</c>) set which of the module's field flags
/// (<c>TFields</c>), found once from their names: each single-bit flag
/// stands for the input property of its own name (<c>DealFields.CompanyId</c> for
/// <c>DealInput.CompanyId</c>, i.e. the body's "companyId"), or for those its
/// <see cref="InputPropertiesAttribute"/> names. A new field is a new property and a new flag of
/// the same name; the API needs no table. A flag naming no property, or a property (other than
/// <c>Version</c>) no flag covers, is a programming error and stops the app at start-up.
/// </summary>
public static class InputFields
{
    /// <summary>Every field: what a create applies.</summary>
    public static TFields All<TInput, TFields>()
        where TInput : class
        where TFields : struct, Enum =>
        Of<TFields>(Table<TInput, TFields>.Rows.Aggregate(0UL, (all, f) => all | f.Flag));

    /// <summary>The flags of the fields the body names (a PATCH: absent kept, null cleared); names match ignoring case, as JSON binding does.</summary>
    public static TFields Given<TInput, TFields>(PatchBody<TInput> body)
        where TInput : class
        where TFields : struct, Enum =>
        Of<TFields>(Table<TInput, TFields>.Rows.Aggregate(0UL, (given, f) => body.Has(f.Property) ? given | f.Flag : given));

    private static TFields Of<TFields>(ulong bits)
        where TFields : struct, Enum =>
        (TFields)Enum.ToObject(typeof(TFields), bits);

    // Built once per input type, on first use (the API maps each module's routes at start-up).
    private static class Table<TInput, TFields>
        where TInput : class
        where TFields : struct, Enum
    {
        private static (string Property, ulong Flag)[]? s_rows;

        // Not a static initializer: a mismatch then throws its own exception, not a TypeInitializationException. Building twice is harmless.
        public static (string Property, ulong Flag)[] Rows => s_rows ??= Build();

        private static (string Property, ulong Flag)[] Build()
        {
            var properties = typeof(TInput).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var table = new List<(string, ulong)>();
            foreach (var member in typeof(TFields).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var flag = unchecked((ulong)Convert.ToInt64(member.GetValue(null), System.Globalization.CultureInfo.InvariantCulture));
                if (flag == 0 || (flag & (flag - 1)) != 0)
                {
                    continue; // None, All (~None) and other combinations name no field of their own.
                }

                foreach (var name in member.GetCustomAttribute<InputPropertiesAttribute>()?.Names ?? [member.Name])
                {
                    if (!properties.Contains(name))
                    {
                        throw new InvalidOperationException($"{typeof(TFields).Name}.{member.Name} names no property '{name}' of {typeof(TInput).Name}.");
                    }

                    table.Add((name, flag));
                }
            }

            var uncovered = properties.Except(table.Select(t => t.Item1)).Where(p => p != "Version").ToList();
            if (uncovered.Count > 0)
            {
                throw new InvalidOperationException($"No flag of {typeof(TFields).Name} covers {typeof(TInput).Name}.{string.Join(", ", uncovered)}.");
            }

            return [.. table];
        }
    }
}
