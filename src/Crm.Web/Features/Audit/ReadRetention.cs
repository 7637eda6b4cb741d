using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Audit;

/// <summary>One kind and how long its entries are kept (null: forever).</summary>
public sealed record RetentionKindView(string Trail, string Kind, int? KeepDays);

/// <summary>Every kind of history and activity entry with its retention period (<c>/admin/retention</c>, <c>GET /api/v1/settings/retention</c>).</summary>
public sealed class ReadRetention(CrmDb db, RetentionKinds kinds)
{
    public async Task<Result<IReadOnlyList<RetentionKindView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<RetentionKindView>>.Forbidden("Only administrators can see the retention periods.");
        }

        var periods = await db.RetentionPeriods.AsNoTracking().ToDictionaryAsync(p => (p.Trail, p.Kind), p => p.KeepDays, cancellationToken);
        var views = kinds.History().Select(k => new RetentionKindView(RetentionTrails.History, k, Days(periods, RetentionTrails.History, k)))
            .Concat(RetentionKinds.Activity.Select(k => new RetentionKindView(RetentionTrails.Activity, k, Days(periods, RetentionTrails.Activity, k))))
            .ToList();
        return Result<IReadOnlyList<RetentionKindView>>.Ok(views);
    }

    private static int? Days(Dictionary<(string, string), int> periods, string trail, string kind) =>
        periods.TryGetValue((trail, kind), out var days) ? days : null;
}
