using System.Text.Json;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Contacts;

/// <summary><c>/api/v1/contacts</c>: signed-in callers; permissions are decided inside the use cases.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder api)
    {
        var contacts = api.MapGroup("/contacts").WithTags("Contacts").RequireAuthorization();

        contacts.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, int? companyId, HttpContext http, ListContacts list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new ContactQuery(search, sort, cursor, pageSize, companyId), cancellationToken))
                    .ToHttp(page => Results.Ok(new { items = page.Items, nextCursor = page.NextCursor, previousCursor = page.PreviousCursor })))
            .WithName("ListContacts")
            .WithSummary("The contacts you may view: search by name or email, filter by companyId, sort by name or id, keyset-paged.");

        contacts.MapExport("ExportContacts", "contacts", async (string? format, string? search, string? sort, int? companyId,
                HttpContext http, ExportContacts export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new ContactQuery(search, sort, CompanyId: companyId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)));

        contacts.MapGet("/{id:int}", async (int id, HttpContext http, ReadContact read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(view.Contact)))
            .WithName("GetContact")
            .WithSummary("One contact; 404 when it does not exist or you may not view it.");

        contacts.MapPost("", async (ContactRequest body, HttpContext http, SaveContact save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body.ToInput(), ContactFields.All, cancellationToken))
                    .ToHttp(c => Results.Created($"/api/v1/contacts/{c.Id}", c)))
            .WithName("CreateContact")
            .WithSummary("Adds a contact; the owner defaults to you.");

        contacts.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, SaveContact save, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<ContactRequest>(body, json.Value.SerializerOptions);
                if (!patch.IsOk)
                {
                    return patch.ToHttp();
                }

                var given = patch.Value!;
                var fields = ContactFields.None;
                foreach (var (name, field) in s_fields)
                {
                    fields |= given.Has(name) ? field : ContactFields.None;
                }

                return (await save.RunAsync(http.Actor(), id, given.Value.ToInput(), fields, cancellationToken)).ToHttp();
            })
            .Accepts<ContactRequest>("application/json")
            .WithName("UpdateContact")
            .WithSummary("Changes the fields present in the body (null clears); `version` is required, 409 if someone else saved first.");

        contacts.MapDelete("/{id:int}", async (int id, HttpContext http, DeleteContact delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DeleteContact")
            .WithSummary("Deletes the contact.");

        contacts.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, DeleteContact delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new { i.ContactId, i.Name, deleted = i.Deleted, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal })))
            .WithName("GetContactDeleteImpact")
            .WithSummary("What deleting the contact would delete with it.");

        return api;
    }

    private static readonly (string Name, ContactFields Field)[] s_fields =
    [
        ("firstName", ContactFields.FirstName), ("lastName", ContactFields.LastName), ("email", ContactFields.Email), ("phone", ContactFields.Phone),
        ("title", ContactFields.Title), ("companyId", ContactFields.Company), ("ownerId", ContactFields.Owner),
    ];

    public sealed record ContactRequest(string? FirstName, string? LastName, string? Email, string? Phone, string? Title, int? CompanyId, Guid? OwnerId, int? Version)
    {
        public ContactInput ToInput() => new(FirstName, LastName, Email, Phone, Title, CompanyId, OwnerId, Version);
    }
}
