using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>How a request ends: <c>answered</c>, or <c>refused</c> with the reason; the day (yyyy-MM-dd) defaults to today.</summary>
public sealed record GdprCloseInput(string? Status, string? Reason, string? ClosedOn);

/// <summary>Closes a request as answered or refused (a refusal needs its reason), on a day between its receipt and today. Audited with the same save.</summary>
public sealed class CloseGdprRequest(CrmDb db, GdprDeadlines deadlines, TimeProvider clock)
{
    public async Task<Result<GdprRequestView>> RunAsync(Actor actor, int id, GdprCloseInput input, CancellationToken cancellationToken)
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

        if (request.IsClosed)
        {
            return Result<GdprRequestView>.Conflict($"Request ID {id} is {request.Status} already; edit it to reopen it.");
        }

        var today = await deadlines.TodayAsync(cancellationToken);
        var errors = new FieldErrors();
        var status = GdprRequestChecks.Clean(input.Status)?.ToLowerInvariant();
        if (status is null || !GdprStatuses.Closing.Contains(status))
        {
            errors.Add("status", "Close the request as answered or refused.");
        }

        var reason = GdprRequestChecks.Clean(input.Reason);
        if (status == GdprStatuses.Refused && reason is null)
        {
            errors.Add("reason", "Say why the request is refused: the person must be told.");
        }

        errors.Text("reason", "The reason", reason, GdprRequest.ReasonMaxLength, required: false).PlainText("reason", "The reason", reason, singleLine: false);

        var closedOn = today;
        if (GdprRequestChecks.Clean(input.ClosedOn) is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out closedOn))
            {
                errors.Add("closedOn", "The day closed must be a date like 2026-12-31.");
            }
            else if (closedOn > today || closedOn < request.ReceivedOn)
            {
                errors.Add("closedOn", $"The day closed must be between the day received ({request.ReceivedOn:yyyy-MM-dd}) and today.");
            }
        }

        if (errors.Any)
        {
            return Result<GdprRequestView>.Invalid(errors);
        }

        request.Status = status!;
        request.RefusalReason = status == GdprStatuses.Refused ? reason : null;
        request.ClosedOn = closedOn;
        request.ModifiedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return Result<GdprRequestView>.Ok((await ReadGdprRequest.ViewsAsync(db, [request], today, cancellationToken))[0]);
    }
}
