using System.Globalization;

namespace Crm.Web.Features.WhatIf;

/// <summary>One action on one module whose answer would change for a user: old and new scope ("None" when not allowed).</summary>
public sealed record RightChange(string Module, string ModuleTitle, string Action, string Before, string After);

/// <summary>A sensitive field whose access would change for a user: editable, read-only or hidden.</summary>
public sealed record FieldChange(string Module, string ModuleTitle, string Field, string Before, string After);

/// <summary>
/// How many records of a module a user would newly see (<see cref="Gained"/>) or no longer see
/// (<see cref="Lost"/>), read with the real row filter; <see cref="Sampled"/> when the module holds
/// more than <see cref="PermissionWhatIf.DefaultSampleSize"/> (or the configured <c>WhatIf:SampleSize</c>) records and only the newest were examined.
/// </summary>
public sealed record RecordChange(string Module, string ModuleTitle, int Gained, int Lost, int VisibleBefore, int VisibleAfter, bool Sampled);

/// <summary>Everything a change would do to one user.</summary>
public sealed record UserImpact(Guid UserId, string Name, IReadOnlyList<RightChange> Rights, IReadOnlyList<FieldChange> Fields, IReadOnlyList<RecordChange> Records)
{
    public bool Gains => Rights.Any(r => Rank(r.After) > Rank(r.Before)) || Records.Any(r => r.Gained > 0) || Fields.Any(f => Rank(f.After) > Rank(f.Before));

    public bool Loses => Rights.Any(r => Rank(r.After) < Rank(r.Before)) || Records.Any(r => r.Lost > 0) || Fields.Any(f => Rank(f.After) < Rank(f.Before));

    private static int Rank(string value) => value switch
    {
        "None" or "hidden" => 0,
        "Own" or "read-only" => 1,
        "Subordinates" or "editable" => 2,
        "Department" => 3,
        _ => 4,
    };
}

/// <summary>A module counted on a sample: how many records it holds and how many were examined.</summary>
public sealed record SampledModule(string Module, string ModuleTitle, int Total, int Examined);

/// <summary>The what-if answer: the users whose rights or visible records would change, and nobody else.</summary>
public sealed record WhatIfPreview(string Change, IReadOnlyList<UserImpact> Users, int UsersExamined, IReadOnlyList<SampledModule> SampledModules)
{
    /// <summary>One sentence: "2 users gain, 1 loses; 3 deals newly visible, 12 no longer visible".</summary>
    public string Summary
    {
        get
        {
            if (Users.Count == 0)
            {
                return $"no change for any of the {UsersExamined} active users";
            }

            var parts = new List<string>
            {
                $"{Users.Count(u => u.Gains)} {Plural(Users.Count(u => u.Gains), "user gains", "users gain")}, {Users.Count(u => u.Loses)} {Plural(Users.Count(u => u.Loses), "loses", "lose")}",
            };
            foreach (var module in Users.SelectMany(u => u.Records).GroupBy(r => r.ModuleTitle))
            {
                var gainers = module.Count(r => r.Gained > 0);
                var losers = module.Count(r => r.Lost > 0);
                var title = module.Key.ToLower(CultureInfo.InvariantCulture);
                if (losers > 0)
                {
                    parts.Add($"{losers} {Plural(losers, "user loses", "users lose")} sight of {module.Sum(r => r.Lost).ToString("N0", CultureInfo.InvariantCulture)} {title}");
                }

                if (gainers > 0)
                {
                    parts.Add($"{gainers} {Plural(gainers, "user newly sees", "users newly see")} {module.Sum(r => r.Gained).ToString("N0", CultureInfo.InvariantCulture)} {title}");
                }
            }

            return string.Join("; ", parts) + (SampledModules.Count > 0 ? " (counted on a sample, see below)" : "");
        }
    }

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;
}
