using Crm.Web.Security;

namespace Crm.Web.Features.Gdpr;

/// <summary>The register under <c>/api/v1/gdpr</c> (administrators), over the same use cases as the pages.</summary>
public static class GdprApi
{
    public static RouteGroupBuilder MapGdprApi(this RouteGroupBuilder api)
    {
        var gdpr = api.MapGroup("/gdpr").WithTags("GDPR").RequireAuthorization(Policies.Administrator);

        gdpr.MapGet("", async (HttpContext http, string? show, ListGdprRequests list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), show, cancellationToken)).ToHttp())
            .WithName("ListGdprRequests")
            .WithSummary("The register: show=open (default; open and in progress, nearest deadline first), closed or all; each with its deadline, days left, overdue and dueSoon.");

        gdpr.MapGet("/due", async (HttpContext http, GdprDeadlines deadlines, CancellationToken cancellationToken) =>
                GdprRequestChecks.ReadRefusal(http.Actor()) is { } refusal
                    ? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: refusal)
                    : Results.Ok(await deadlines.CountAsync(cancellationToken)))
            .WithName("CountDueGdprRequests")
            .WithSummary("How many open requests are due within 7 days and how many are overdue.");

        gdpr.MapGet("/{id:int}", async (HttpContext http, int id, ReadGdprRequest read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("ReadGdprRequest")
            .WithSummary("One request with its deadline and flags.");

        gdpr.MapPost("", async (HttpContext http, GdprRequestInput body, CreateGdprRequest create, CancellationToken cancellationToken) =>
                (await create.RunAsync(http.Actor(), body, cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateGdprRequest")
            .WithSummary("Registers a request: kind (access, portability, erasure, rectification), email and/or personModule (contacts, leads) + personId, receivedOn (yyyy-MM-dd), receivedById (you by default), status (open or in-progress), notes.");

        gdpr.MapPut("/{id:int}", async (HttpContext http, int id, GdprRequestInput body, EditGdprRequest edit, CancellationToken cancellationToken) =>
                (await edit.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("EditGdprRequest")
            .WithSummary("Changes a request; status open or in-progress (which reopens a closed one), or the closed status it has.");

        gdpr.MapPost("/{id:int}/close", async (HttpContext http, int id, GdprCloseInput body, CloseGdprRequest close, CancellationToken cancellationToken) =>
                (await close.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("CloseGdprRequest")
            .WithSummary("Closes a request: status answered, or refused with a reason; closedOn (yyyy-MM-dd) defaults to today.");

        gdpr.MapGet("/{id:int}/find", async (HttpContext http, int id, FindGdprPerson find, CancellationToken cancellationToken) =>
                (await find.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("FindGdprPerson")
            .WithSummary("Every contact, lead, company, logged email, memo, file, mailing binding and unsubscription about the request's person, with counts and links, and the number of history entries.");

        gdpr.MapGet("/{id:int}/export", async (HttpContext http, int id, ExportGdprPerson export, CancellationToken cancellationToken) =>
                (await export.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(zip => Results.File(zip.Content, GdprExport.ContentType, zip.FileName)))
            .WithName("ExportGdprPerson")
            .WithSummary("The access / portability export of the request's person: a zip of documented JSON and CSV files per kind of record, their history and attached files. Recorded in the activity log and the audit trail.");

        gdpr.MapGet("/{id:int}/erasure", async (HttpContext http, int id, ErasePerson erase, CancellationToken cancellationToken) =>
                (await erase.PreviewAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("PreviewGdprErasure")
            .WithSummary("What erasing the request's person would do now: per kind the records and, per record, the fields erased; total (the number to confirm), the history entries redacted, and what is kept.");

        gdpr.MapPost("/{id:int}/erasure", async (HttpContext http, int id, GdprErasureInput body, ErasePerson erase, CancellationToken cancellationToken) =>
                (await erase.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("EraseGdprPerson")
            .WithSummary("Erases the person of an open erasure request by anonymisation, irreversibly, in one transaction, and closes the request as answered. Confirm with confirmEmail (the request's address) or confirmCount (the total the preview showed).");

        return api;
    }
}
