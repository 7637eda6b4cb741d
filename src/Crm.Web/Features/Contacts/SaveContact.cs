using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Contacts;

/// <summary>
/// What the contact form or an API caller may set, bound straight from either (the API body, named
/// ContactRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="ContactFields"/>.
/// </summary>
[ApiSchemaName("ContactRequest")]
public sealed class ContactInput
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    [Display(Name = "Job title")] public string? Title { get; set; }
    [Display(Name = "Company"), ModelBinder(typeof(RecordIdBinder))] public int? CompanyId { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum ContactFields
{
    None = 0,
    FirstName = 1,
    LastName = 2,
    Email = 4,
    Phone = 8,
    Title = 16,
    CompanyId = 32,
    OwnerId = 64,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a contact (needs create) or changes one (needs edit on it and the version read: a newer
/// one is a 409, never a lost update). The company must be one the actor may view; a new owner must
/// be active and fit the actor's role rule, and their department is stamped with them.
/// </summary>
public sealed class SaveContact(CrmDb db, RecordAccess access, RecordLookups lookups, RecordEditing editing, TimeProvider clock)
    : ISaveRecord<ContactInput, ContactFields, ContactDetails>
{
    private static readonly RecordEditRules<Contact> s_rules = new(CrmModules.Contacts.Key, "contact", "You may not add contacts.");

    public async Task<Result<ContactDetails>> RunAsync(Actor actor, int? id, ContactInput input, ContactFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<ContactDetails>();
        }

        var contact = opened.Value.Record;
        var pick = opened.Value.Picks(fields);

        var first = pick.Text(ContactFields.FirstName, input.FirstName, contact?.FirstName);
        var last = pick.Text(ContactFields.LastName, input.LastName, contact?.LastName);
        var email = pick.Text(ContactFields.Email, input.Email, contact?.Email);
        var phone = pick.Text(ContactFields.Phone, input.Phone, contact?.Phone);
        var title = pick.Text(ContactFields.Title, input.Title, contact?.Title);
        var companyId = pick.Has(ContactFields.CompanyId) ? input.CompanyId : contact?.CompanyId;
        var owner = pick.Owner(ContactFields.OwnerId, input.OwnerId, contact, actor);

        var errors = new FieldErrors()
            .Text("firstName", "First name", first, Contact.NameMaxLength).PlainText("firstName", "First name", first)
            .Text("lastName", "Last name", last, Contact.NameMaxLength).PlainText("lastName", "Last name", last)
            .Text("phone", "Phone", phone, Contact.PhoneMaxLength, required: false).PlainText("phone", "Phone", phone)
            .Text("title", "Job title", title, Contact.TitleMaxLength, required: false).PlainText("title", "Job title", title);
        if (email is not null)
        {
            errors.Email("email", "Email", email);
        }

        if (pick.Has(ContactFields.CompanyId))
        {
            var company = await lookups.ChooseAsync(actor, CrmModules.Companies.Key, input.CompanyId, contact?.CompanyId, cancellationToken);
            companyId = company.Id;
            if (company.Refused)
            {
                errors.Add("companyId", $"Company ID {input.CompanyId} does not exist or is not visible to you.");
            }
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, contact, cancellationToken);
        if (errors.Any)
        {
            return Result<ContactDetails>.Invalid(errors);
        }

        contact = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, contact, input.Version, owner!.Value, ownerChanges, cancellationToken);
        contact.FirstName = first!;
        contact.LastName = last!;
        contact.Email = email;
        contact.Phone = phone;
        contact.Title = title;
        contact.CompanyId = companyId;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<ContactDetails>.Conflict(s_rules.ChangedBySomeoneElse);
        }

        return Result<ContactDetails>.Ok(await ReadContact.DetailsAsync(db, access, actor, contact, cancellationToken));
    }
}
