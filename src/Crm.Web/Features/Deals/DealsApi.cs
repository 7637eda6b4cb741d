using Crm.Web.Records;
using Crm.Web.Security;

namespace Crm.Web.Features.Deals;

/// <summary><c>/api/v1/deals</c>: signed-in callers; permissions and field rules are decided inside the use cases.</summary>
public static class DealsApi
{
    public static RouteGroupBuilder MapDealsApi(this RouteGroupBuilder api)
    {
        var deals = api.MapGroup("/deals").WithTags("Deals").RequireAuthorization();

        deals.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, string? stage, bool? open, int? companyId, Guid? ownerId,
                HttpContext http, ListDeals list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new DealQuery(search, sort, cursor, pageSize, stage, open, companyId, ownerId), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListDeals")
            .WithSummary("The deals you may view: filter by stage, open (true: not won or lost), companyId, ownerId; search by title; sort by title, amount or id; keyset-paged.");

        deals.MapExport("ExportDeals", "deals", async (string? format, string? search, string? sort, string? stage, bool? open, int? companyId, Guid? ownerId,
                HttpContext http, ExportDeals export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new DealQuery(search, sort, null, null, stage, open, companyId, ownerId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        deals.MapOwnedRecordEdits(
            new OwnedRecordEdits<DealInput, DealFields>("Deal")
            {
                GetSummary = "One deal; 404 when it does not exist or you may not view it. amount and currency are absent when your role hides the amount.",
                CreateSummary = "Adds a deal; amount is a string like \"1234.50\" in the currency's decimals; the owner defaults to you.",
                UpdateSummary = "Changes the fields present in the body (null clears); `version` is required, 409 if someone else saved first.",
            },
            get: async (ReadDeal read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Deal)),
            save: (SaveDeal save, Actor actor, int? id, DealInput input, DealFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: d => $"/api/v1/deals/{d.Id}");

        deals.MapOwnedRecordDelete<Deal>("Deal", "dealId", "title",
            "Deletes the deal and what hangs on it (see delete-impact) in one transaction.",
            "What deleting the deal would delete with it.");

        return api;
    }
}
