using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Contacts;

public sealed record ContactDeleteImpact(int ContactId, string Name, IReadOnlyList<LinkedRecord> Deleted) : IDeleteImpact
{
    /// <summary>Records of other modules that hang on the contact (tasks, files, ...) and go with it.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;
}

/// <summary>Deletes one contact (needs delete on it) with the records that hang on it, in one transaction.</summary>
public sealed class DeleteContact(CrmDb db, RecordEditing editing, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
    : RecordDeletion<Contact, ContactDeleteImpact>(db, editing, dependents, lookups, activity, new(
        CrmModules.Contacts.Key, "contact", ActivityKind,
        (contact, also) => new ContactDeleteImpact(contact.Id, $"{contact.FirstName} {contact.LastName}", []) { Also = also },
        (id, impact, _) => $"Deleted contact ID {id} '{impact.Name}'."))
{
    public const string ActivityKind = "contact-deleted";
}
