using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Contacts;

/// <summary><c>/api/v1/contacts</c>: signed-in callers; permissions are decided inside the use cases.</summary>
public static class ContactsApi
{
    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder api)
    {
        var contacts = api.MapGroup("/contacts").WithTags("Contacts").RequireAuthorization();

        contacts.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, int? companyId, HttpContext http, ListContacts list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new ContactQuery(search, sort, cursor, pageSize, companyId), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .AsRecordList<ContactListItem>(CrmModules.Contacts)
            .WithName("ListContacts")
            .WithSummary("The contacts you may view: search by name or email, filter by companyId, sort by name or id, keyset-paged.");

        contacts.MapGet("/export", async (string? format, string? search, string? sort, int? companyId,
                HttpContext http, ListContacts list, CancellationToken cancellationToken) =>
            (await list.ExportAsync(http.Actor(), new ContactQuery(search, sort, CompanyId: companyId), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(contacts, "ExportContacts", "contacts");

        contacts.MapRecordViewEdits<ReadContact, SaveContact, ContactInput, ContactFields, ContactDetails>(CrmModules.Contacts,
            new OwnedRecordEdits<ContactInput, ContactFields>("Contact")
            {
                CreateSummary = "Adds a contact; the owner defaults to you.",
            });

        contacts.MapRecordDelete<DeleteContact, ContactDeleteImpact>("Contact", i => new { i.ContactId, i.Name, deleted = i.Deleted, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal },
            "Deletes the contact.",
            "What deleting the contact would delete with it.");

        return api;
    }
}
