using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Gdpr;

/// <summary>Registers a rights request (administrators); the audit trail records it with the same save.</summary>
public sealed class CreateGdprRequest(CrmDb db, GdprDeadlines deadlines, TimeProvider clock)
{
    public async Task<Result<GdprRequestView>> RunAsync(Actor actor, GdprRequestInput input, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.WriteRefusal(actor) is { } refusal)
        {
            return Result<GdprRequestView>.Forbidden(refusal);
        }

        var today = await deadlines.TodayAsync(cancellationToken);
        var (valid, errors) = await GdprRequestChecks.CheckAsync(db, actor, input, GdprStatuses.Working, today, cancellationToken);
        if (valid is null)
        {
            return Result<GdprRequestView>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var request = new GdprRequest { CreatedAt = now, CreatedById = actor.UserId };
        GdprRequestChecks.Apply(request, valid, now);
        db.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        return Result<GdprRequestView>.Ok((await ReadGdprRequest.ViewsAsync(db, [request], today, cancellationToken))[0]);
    }
}
