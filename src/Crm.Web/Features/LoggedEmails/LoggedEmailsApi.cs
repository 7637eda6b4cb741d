using System.Text.Json;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.LoggedEmails;

/// <summary><c>/api/v1/emails</c>: emails logged against CRM records (not the outbox of the CRM's own mail).</summary>
public static class LoggedEmailsApi
{
    public static RouteGroupBuilder MapLoggedEmailsApi(this RouteGroupBuilder api)
    {
        var emails = api.MapGroup("/emails").WithTags("Emails").RequireAuthorization();

        emails.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, string? direction, string? relatedModule, int? relatedId,
                HttpContext http, ListLoggedEmails list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new LoggedEmailQuery(search, sort, cursor, pageSize, direction, relatedModule, relatedId), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListLoggedEmails")
            .WithSummary("The logged emails you may view: filter by direction and related record (relatedModule + relatedId), search subject and addresses, sort by sent (newest first) or id, keyset-paged.");

        emails.MapExport("ExportLoggedEmails", "logged emails", async (string? format, string? search, string? sort, string? direction, string? relatedModule, int? relatedId,
                HttpContext http, ExportLoggedEmails export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new LoggedEmailQuery(search, sort, null, null, direction, relatedModule, relatedId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        emails.MapGet("/{id:int}", async (int id, HttpContext http, ReadLoggedEmail read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(view.Email)))
            .WithName("GetLoggedEmail")
            .WithSummary("One logged email; 404 when it does not exist or you may not view it.");

        emails.MapPost("", async (JsonElement body, HttpContext http, SaveLoggedEmail save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var read = PatchBody.Read<LoggedEmailRequest>(body, json.Value.SerializerOptions);
                return !read.IsOk ? read.ToHttp()
                    : (await save.RunAsync(http.Actor(), null, read.Value!.Value.ToInput(), LoggedEmailFields.All, cancellationToken))
                        .ToHttp(e => Results.Created($"/api/v1/emails/{e.Id}", e));
            })
            .Accepts<LoggedEmailRequest>("application/json")
            .WithName("CreateLoggedEmail")
            .WithSummary("Logs an email: direction incoming or outgoing, from, to (comma-separated), subject, body (plain text), sentAt, and optionally relatedModule + relatedId.");

        emails.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveLoggedEmail save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<LoggedEmailRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = LoggedEmailFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : LoggedEmailFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<LoggedEmailRequest>("application/json")
            .WithName("UpdateLoggedEmail")
            .WithSummary("Corrects an outgoing logged email (incoming ones are refused with 403); `version` is required, 409 if someone else saved first.");

        emails.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteOwnedRecord<LoggedEmail> delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, null, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteLoggedEmail")
            .WithSummary("Deletes the logged email (incoming ones too, with the delete permission).");

        emails.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteOwnedRecord<LoggedEmail> delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { EmailId = i.Id, Subject = i.Label, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden })))
            .WithName("GetLoggedEmailDeleteImpact")
            .WithSummary("What deleting the email would delete with it.");

        return api;
    }

    private static readonly (string Name, LoggedEmailFields Field)[] s_fields =
    [
        ("direction", LoggedEmailFields.Direction), ("from", LoggedEmailFields.From), ("to", LoggedEmailFields.To), ("subject", LoggedEmailFields.Subject),
        ("body", LoggedEmailFields.Body), ("sentAt", LoggedEmailFields.SentAt), ("relatedModule", LoggedEmailFields.Related), ("relatedId", LoggedEmailFields.Related),
        ("ownerId", LoggedEmailFields.Owner),
    ];

    public sealed record LoggedEmailRequest(
        string? Direction, string? From, string? To, string? Subject, string? Body, DateTime? SentAt, string? RelatedModule, int? RelatedId, Guid? OwnerId, int? Version)
    {
        public LoggedEmailInput ToInput() => new(Direction, From, To, Subject, Body, SentAt, RelatedModule, RelatedId, OwnerId, Version);
    }
}
