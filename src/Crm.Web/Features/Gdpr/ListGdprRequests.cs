using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// The register (administrators): <c>open</c> (the default: open and in progress, nearest deadline
/// first), <c>closed</c> (answered and refused, latest first) or <c>all</c>. At most
/// <see cref="MaxRows"/> rows: a register holds tens of requests a year, not millions.
/// </summary>
public sealed class ListGdprRequests(CrmDb db, GdprDeadlines deadlines)
{
    public const int MaxRows = 1000;
    public static readonly IReadOnlyList<string> Shows = ["open", "closed", "all"];

    public async Task<Result<IReadOnlyList<GdprRequestView>>> RunAsync(Actor actor, string? show, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.ReadRefusal(actor) is { } refusal)
        {
            return Result<IReadOnlyList<GdprRequestView>>.Forbidden(refusal);
        }

        show = GdprRequestChecks.Clean(show)?.ToLowerInvariant() ?? "open";
        if (!Shows.Contains(show))
        {
            return Result<IReadOnlyList<GdprRequestView>>.Invalid("show", "Show is open, closed or all.");
        }

        var requests = db.Set<GdprRequest>().AsNoTracking();
        requests = show switch
        {
            "open" => requests.Where(r => r.Status == GdprStatuses.Open || r.Status == GdprStatuses.InProgress).OrderBy(r => r.ReceivedOn).ThenBy(r => r.Id),
            "closed" => requests.Where(r => r.Status == GdprStatuses.Answered || r.Status == GdprStatuses.Refused).OrderByDescending(r => r.ReceivedOn).ThenByDescending(r => r.Id),
            _ => requests.OrderByDescending(r => r.ReceivedOn).ThenByDescending(r => r.Id),
        };
        var rows = await requests.Take(MaxRows).ToListAsync(cancellationToken);
        return Result<IReadOnlyList<GdprRequestView>>.Ok(await ReadGdprRequest.ViewsAsync(db, rows, await deadlines.TodayAsync(cancellationToken), cancellationToken));
    }
}
