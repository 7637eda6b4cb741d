using Crm.Web.Security;

namespace Crm.Web.Records;

/// <summary>
/// <c>/api/v1/{module}/{id}/shares</c> for every CRM object module, mapped once: the module is a
/// route value, and an unknown module answers 404 like a record the caller may not see.
/// </summary>
public static class ShareEndpoints
{
    public static RouteGroupBuilder MapRecordSharesApi(this RouteGroupBuilder api)
    {
        var shares = api.MapGroup("/{module}/{id:int}/shares").WithTags("Sharing").RequireAuthorization();

        shares.MapGet("", async (string module, int id, bool? access, HttpContext http, ListRecordShares list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), module, id, access == true, cancellationToken)).ToHttp())
            .WithName("ListRecordShares")
            .WithSummary("The record's shares (ended ones too, marked ended); with access=true also everyone who may view it and why. 404 when you may not view the record.")
            .Produces<RecordSharing>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        shares.MapPost("", async (string module, int id, bool? dryRun, ShareInput body, HttpContext http, ShareRecord share, CancellationToken cancellationToken) =>
                dryRun == true
                    ? (await share.PreviewAsync(http.Actor(), module, id, body, cancellationToken)).ToHttp()
                    : (await share.RunAsync(http.Actor(), module, id, body, cancellationToken)).ToHttp(view => Results.Created($"/api/v1/{module}/{id}/shares/{view.Id}", view)))
            .WithName("ShareRecord")
            .WithSummary("Shares the record with exactly one of userId, groupId, roleId (withSubordinates: also the roles below it) or departmentId; access \"read\" or \"edit\"; optional endsAt (UTC, in the future). The owner may share for reading, whoever may edit the record for reading or editing; sharing again with the same target replaces its access and end. With dryRun=true nothing is saved: 200 with who would gain what (counted by the real row filter; recorded in the activity log).")
            .Produces<ShareView>(StatusCodes.Status201Created)
            .Produces<SharePreview>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        shares.MapDelete("/{shareId:long}", async (string module, int id, long shareId, HttpContext http, RemoveRecordShare remove, CancellationToken cancellationToken) =>
                (await remove.RunAsync(http.Actor(), module, id, shareId, cancellationToken)).ToHttp())
            .WithName("RemoveRecordShare")
            .WithSummary("Removes one share of the record; it bites on the next request.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return api;
    }
}
