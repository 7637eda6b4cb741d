using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Security.Org;

namespace Crm.Tests.Security;

/// <summary>
/// The engine against the catalog: every module, action, scope and relation by a table, then
/// random organisations against the reference implementation, the explainer and the row filter.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class PermissionMatrixTests
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>How a record relates to Ann, the narrowest scope that reaches it, and the share it carries.</summary>
    private sealed record Relation(string Name, Guid Owner, int Department, Scope Reached, ShareAccess? Share = null);

    private static readonly Relation[] s_relations =
    [
        new("owner", Ann, Finance, Scope.Own),
        new("subordinate", Omar, Finance, Scope.Subordinates),
        new("same department", Lena, Sales, Scope.Department),
        new("sub-department", Lena, SalesNorth, Scope.Department),
        new("unrelated", Lena, Finance, Scope.All),
        new("shared read", Raj, Support, Scope.All, ShareAccess.Read),
        new("shared edit", Raj, Support, Scope.All, ShareAccess.Edit),
    ];

    public static TheoryData<string> Modules => [.. CrmModules.All.Select(m => m.Key)];

    [Theory]
    [MemberData(nameof(Modules))]
    public void Every_action_scope_and_relation_decides_as_the_table_says(string module)
    {
        var failures = new List<string>();
        var checks = 0;
        foreach (var action in Engine.Catalog[module].Actions)
        {
            foreach (var scope in Enum.GetValues<Scope>())
            {
                foreach (var (source, subject) in SubjectsWith(module, action, scope))
                {
                    foreach (var relation in s_relations)
                    {
                        var record = new RecordFacts(module, 42, relation.Owner, relation.Department)
                        {
                            Shares = relation.Share is { } access ? [RecordShare.WithUser(Ann, access)] : [],
                        };
                        var expected = scope >= relation.Reached
                            || (relation.Share is not null && action == PermissionAction.View)
                            || (relation.Share == ShareAccess.Edit && action == PermissionAction.Edit);
                        var decision = Engine.Decide(subject, module, action, record);
                        var explained = Engine.Explain(subject, module, action, record).Decision;
                        var filtered = action != PermissionAction.View || CompiledFilter(subject, module)(Row.Of(record)) == expected;
                        checks++;
                        if (decision.Allowed != expected || explained != decision || decision.Scope != scope || !filtered)
                        {
                            failures.Add($"{module}/{action}, {source} scope {scope}, record {relation.Name}: expected {expected}, "
                                + $"decided {decision}, explained {explained}, row filter agrees: {filtered}");
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} cases failed:\n{string.Join("\n", failures.Take(30))}");
    }

    /// <summary>The same effective scope reached three ways: a role grant, a group grant over a narrower role, an override under a wider role.</summary>
    private static IEnumerable<(string Source, PermissionSubject Subject)> SubjectsWith(string module, string action, Scope scope)
    {
        var ann = AnnAsAgent();
        yield return ("role", ann with { RoleGrants = [new(module, action, scope)] });
        yield return ("group", ann with
        {
            RoleGrants = [new(module, action, Scope.None)],
            GroupGrants = [new("Key accounts", module, action, scope), new("Night shift", module, action, Scope.None)],
        });
        yield return ("override", ann with
        {
            RoleGrants = [new(module, action, Scope.All)],
            GroupGrants = [new("Key accounts", module, action, Scope.All)],
            Overrides = [new(module, action, scope)],
        });
    }

    [Fact]
    public void Random_organisations_give_the_same_answer_from_the_engine_the_explainer_the_row_filter_and_the_reference()
    {
        var random = new Random(20261122);
        var failures = new List<string>();
        const int Cases = 12_000;
        var allowedCount = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (subject, module, action, record) = RandomCase(random);
            var decision = Engine.Decide(subject, module, action, record);
            var explanation = Engine.Explain(subject, module, action, record);
            var reference = ReferenceDecision.Allows(subject, module, action, record);
            var general = Engine.Decide(subject, module, action);
            var generalExplained = Engine.Explain(subject, module, action).Decision;
            var generalReference = ReferenceDecision.ScopeOf(subject, module, action);
            var view = Engine.Decide(subject, module, PermissionAction.View, record).Allowed;
            var viewReference = ReferenceDecision.Allows(subject, module, PermissionAction.View, record);
            var viewFiltered = CompiledFilter(subject, module)(Row.Of(record));
            allowedCount += decision.Allowed ? 1 : 0;

            if (decision.Allowed != reference || explanation.Decision != decision
                || general.Scope != generalReference || general.Allowed != (generalReference > Scope.None) || generalExplained != general
                || view != viewReference || viewFiltered != view)
            {
                failures.Add($"Case {i}: {action} on {module}: engine {decision}, explainer {explanation.Decision}, reference {reference}; "
                    + $"without record engine {general}, explainer {generalExplained}, reference scope {generalReference}; "
                    + $"view engine {view}, reference {viewReference}, row filter {viewFiltered}\n"
                    + $"  subject: {JsonSerializer.Serialize(subject, s_json)}\n  record: {JsonSerializer.Serialize(record, s_json)}\n  "
                    + string.Join("\n  ", explanation.Steps.Select(s => $"{s.Kind}: {s.Sentence}")));
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases} cases failed:\n{string.Join("\n\n", failures.Take(5))}");
        // A generator that only ever produced denials would agree trivially.
        Assert.InRange(allowedCount, Cases / 5, Cases * 4 / 5);
    }

    private static (PermissionSubject, string, string, RecordFacts) RandomCase(Random random)
    {
        var modules = CrmModules.All;
        // Memos carry the dynamic rules, so they get a larger share of the cases.
        var module = random.Next(10) < 3 ? CrmModules.Memos : modules[random.Next(modules.Count)];
        var action = Pick(random, module.Actions);

        // Most grants aim at the action under test, so that they matter; the rest is noise.
        Grant RandomGrant()
        {
            var m = random.Next(4) == 0 ? modules[random.Next(modules.Count)] : module;
            var a = m == module && random.Next(3) > 0 ? action : Pick(random, m.Actions);
            return new Grant(m.Key, a, (Scope)random.Next(5));
        }

        string[] groupNames = ["Key accounts", "Night shift", "Auditors"];
        var subject = new PermissionSubject(Ann, "Ann")
        {
            IsAdministrator = random.Next(25) == 0,
            RoleName = "Random role",
            DepartmentIds = Subset(random, [Sales, SalesNorth, Support, Finance]),
            SubordinateUserIds = Subset(random, [Omar, Lena, Raj]),
            GroupIds = Subset(random, [1, 2, 3]),
            RoleGrants = [.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomGrant())],
            GroupGrants = [.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomGrant()).Select(g => new GroupGrant(Pick(random, groupNames), g.Module, g.Action, g.Scope))],
            Overrides = [.. Enumerable.Range(0, random.Next(3) == 0 ? random.Next(1, 3) : 0).Select(_ => RandomGrant())],
            OrganisationDefaults = modules.Where(_ => random.Next(3) == 0).ToDictionary(m => m.Key, _ => (OrganisationDefault)random.Next(3)),
        };

        RecordShare RandomShare()
        {
            var access = (ShareAccess)random.Next(2);
            return random.Next(3) switch
            {
                0 => RecordShare.WithUser(Pick(random, People), access),
                1 => RecordShare.WithGroup(random.Next(1, 4), access),
                _ => RecordShare.WithDepartment(random.Next(1, 6), access),
            };
        }

        var relations = new Dictionary<string, IReadOnlyCollection<Guid>>();
        foreach (var relation in new[] { RecordRelation.Author, RecordRelation.Recipient })
        {
            if (random.Next(3) > 0)
            {
                relations[relation] = [random.Next(2) == 0 ? Ann : Pick(random, People)];
            }
        }

        string?[] stages = [null, "pending", "postponed", CrmModules.MemoReviewed];
        var stage = Pick(random, stages);
        var record = new RecordFacts(module.Key, random.Next(1, 1000), Pick(random, People), random.Next(1, 6))
        {
            Shares = [.. Enumerable.Range(0, random.Next(3) == 0 ? random.Next(1, 3) : 0).Select(_ => RandomShare())],
            Relations = relations,
            State = stage is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [CrmModules.MemoStage] = stage },
        };
        return (subject, module.Key, action, record);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static T[] Subset<T>(Random random, T[] items) => [.. items.Where(_ => random.Next(2) == 0)];
}
