using System.Reflection;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Records;

namespace Crm.Web.Features.Audit;

/// <summary>
/// The kinds a retention period can be set for: every audited entity type of the model (by the
/// name the trail records) and every activity-log kind the code writes. The trail's own "pruned"
/// records and the retention job's activity lines are not among them: they are kept forever.
/// </summary>
public sealed class RetentionKinds(CrmDb db, IEnumerable<IRecordLookup> lookups)
{
    private static readonly Lazy<IReadOnlyList<string>> s_activity = new(FindActivityKinds);

    public IReadOnlyList<string> History()
    {
        if (!AuditNames.KnowsModules)
        {
            AuditNames.LearnModules(lookups);
        }

        return [.. db.Model.GetEntityTypes()
            .Where(t => !t.IsOwned() && !t.ClrType.IsAbstract && !t.HasSharedClrType && AuditNames.IsAudited(t.ClrType))
            .Select(t => AuditNames.EntityType(t.ClrType))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static IReadOnlyList<string> Activity => s_activity.Value;

    public bool IsKnown(string trail, string kind) => trail switch
    {
        RetentionTrails.History => History().Contains(kind, StringComparer.Ordinal),
        RetentionTrails.Activity => Activity.Contains(kind, StringComparer.Ordinal),
        _ => false,
    };

    // The activity kinds are constants: those of ActivityKinds and each use case's own ActivityKind.
    private static IReadOnlyList<string> FindActivityKinds() =>
        [.. typeof(ActivityKinds).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string) && (t == typeof(ActivityKinds) || f.Name == "ActivityKind")))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(k => k != PruneAuditTrail.ActivityKind)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
