using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>
/// Changes a request (administrators): every field the form shows, and the status between open and
/// in progress. A closed request keeps its status unless the edit sets open or in progress, which
/// reopens it. Audited with the same save.
/// </summary>
public sealed class EditGdprRequest(CrmDb db, GdprDeadlines deadlines, TimeProvider clock)
{
    public async Task<Result<GdprRequestView>> RunAsync(Actor actor, int id, GdprRequestInput input, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.WriteRefusal(actor) is { } refusal)
        {
            return Result<GdprRequestView>.Forbidden(refusal);
        }

        var request = await db.Set<GdprRequest>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Result<GdprRequestView>.NotFound();
        }

        var today = await deadlines.TodayAsync(cancellationToken);
        IReadOnlyList<string> statuses = request.IsClosed ? [.. GdprStatuses.Working, request.Status] : GdprStatuses.Working;
        input.Status ??= request.Status;
        var (valid, errors) = await GdprRequestChecks.CheckAsync(db, actor, input, statuses, today, cancellationToken);
        if (valid is null)
        {
            return Result<GdprRequestView>.Invalid(errors);
        }

        GdprRequestChecks.Apply(request, valid, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return Result<GdprRequestView>.Ok((await ReadGdprRequest.ViewsAsync(db, [request], today, cancellationToken))[0]);
    }
}
