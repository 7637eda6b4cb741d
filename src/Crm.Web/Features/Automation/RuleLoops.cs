namespace Crm.Web.Features.Automation;

/// <summary>One step of a loop of rules: the rule, which of its actions, and the field that action sets.</summary>
public sealed record LoopStep(AutomationRule Rule, int Action, string Field);

/// <summary>
/// Finds the rules that would fire each other round in a loop through the fields they set: rule A
/// sets X on a lead, which fires B, which sets Y, which fires A again. Whether a set field fires a
/// rule is decided by the rule's own trigger check (<see cref="RuleEvaluation.Fires"/>) on the change
/// the action would make; conditions are left aside, since they may hold on some record.
/// </summary>
public static class RuleLoops
{
    /// <summary>The loop from <paramref name="rule"/> back to itself through <paramref name="others"/> (rules of any module), or null when there is none.</summary>
    public static IReadOnlyList<LoopStep>? Find(AutomationRule rule, IEnumerable<AutomationRule> others)
    {
        var rules = others.Where(o => o.Id != rule.Id).Append(rule).ToList();
        var path = new List<LoopStep>();
        var seen = new HashSet<Guid> { rule.Id };

        bool Visit(AutomationRule current)
        {
            var actions = RuleDefinition.ActionsOf(current);
            for (var i = 0; i < actions.Count; i++)
            {
                if (actions[i].Kind != ActionKinds.SetField || actions[i].Field is not { } field)
                {
                    continue;
                }

                var change = new ChangeFacts(AutomationTriggers.Updated,
                    new Dictionary<string, (string?, string?)> { [field] = (null, actions[i].Clear == true ? null : actions[i].Value) }, Audit.AuditActions.Updated);
                foreach (var next in rules.Where(r => r.Module == current.Module && RuleEvaluation.Fires(r, change, out _)))
                {
                    path.Add(new LoopStep(current, i, field));
                    if (next.Id == rule.Id || (seen.Add(next.Id) && Visit(next)))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return false;
        }

        return Visit(rule) ? path : null;
    }

    /// <summary>The loop in words: "Rule A" sets status, which fires "Rule B", which sets source, which fires "Rule A".</summary>
    public static string Describe(IReadOnlyList<LoopStep> loop) =>
        $"\"{loop[0].Rule.Name}\" sets {loop[0].Field}" + string.Concat(loop.Skip(1).Select(s => $", which fires \"{s.Rule.Name}\", which sets {s.Field}"))
        + $", which fires \"{loop[0].Rule.Name}\" again";
}
