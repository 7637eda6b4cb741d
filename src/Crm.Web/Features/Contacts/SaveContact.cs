using Crm.Web.Features.Records;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public sealed record ContactInput(string? FirstName, string? LastName, string? Email, string? Phone, string? Title, int? CompanyId, Guid? OwnerId, int? Version);

[Flags]
public enum ContactFields
{
    None = 0,
    FirstName = 1,
    LastName = 2,
    Email = 4,
    Phone = 8,
    Title = 16,
    Company = 32,
    Owner = 64,
    All = FirstName | LastName | Email | Phone | Title | Company | Owner,
}

/// <summary>
/// Adds a contact (needs create) or changes one (needs edit on it and the version read: a newer
/// one is a 409, never a lost update). The company must be one the actor may view; a new owner must
/// be active and fit the actor's role rule, and their department is stamped with them.
/// </summary>
public sealed class SaveContact(CrmDb db, RecordAccess access, RecordLookups lookups, TimeProvider clock)
{
    public const string ChangedBySomeoneElse = "This contact was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";

    public async Task<Result<ContactDetails>> RunAsync(Actor actor, int? id, ContactInput input, ContactFields fields, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<ContactDetails>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var module = CrmModules.Contacts.Key;
        Contact? contact = null;
        if (id is { } existing)
        {
            contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (contact is null)
            {
                return Result<ContactDetails>.NotFound();
            }

            var facts = await access.FactsAsync(module, contact.Id, contact.OwnerId, contact.DepartmentId, cancellationToken);
            if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
            {
                return Result<ContactDetails>.NotFound();
            }

            if (!(await access.DecideAsync(actor, module, PermissionAction.Edit, facts, cancellationToken)).Allowed)
            {
                return Result<ContactDetails>.Forbidden($"You may not edit contact {contact.Id}.");
            }

            if (input.Version is null)
            {
                return Result<ContactDetails>.Invalid("version", "The version you read is required, so that nobody's changes are overwritten.");
            }

            if (input.Version != contact.Version)
            {
                return Result<ContactDetails>.Conflict(ChangedBySomeoneElse);
            }
        }
        else
        {
            fields = ContactFields.All;
            if (!(await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed)
            {
                return Result<ContactDetails>.Forbidden("You may not add contacts.");
            }
        }

        string? Pick(ContactFields field, string? given, string? current) => fields.HasFlag(field) ? Clean(given) : current;
        var first = Pick(ContactFields.FirstName, input.FirstName, contact?.FirstName);
        var last = Pick(ContactFields.LastName, input.LastName, contact?.LastName);
        var email = Pick(ContactFields.Email, input.Email, contact?.Email);
        var phone = Pick(ContactFields.Phone, input.Phone, contact?.Phone);
        var title = Pick(ContactFields.Title, input.Title, contact?.Title);
        var companyId = fields.HasFlag(ContactFields.Company) ? input.CompanyId : contact?.CompanyId;
        var owner = fields.HasFlag(ContactFields.Owner) && input.OwnerId is { } given ? given : contact?.OwnerId ?? actor.UserId;

        var errors = new FieldErrors()
            .Text("firstName", "First name", first, Contact.NameMaxLength).PlainText("firstName", "First name", first)
            .Text("lastName", "Last name", last, Contact.NameMaxLength).PlainText("lastName", "Last name", last)
            .Text("phone", "Phone", phone, Contact.PhoneMaxLength, required: false).PlainText("phone", "Phone", phone)
            .Text("title", "Job title", title, Contact.TitleMaxLength, required: false).PlainText("title", "Job title", title);
        if (email is not null)
        {
            errors.Email("email", "Email", email);
        }

        if (fields.HasFlag(ContactFields.Company))
        {
            var company = await lookups.ChooseAsync(actor, CrmModules.Companies.Key, input.CompanyId, contact?.CompanyId, cancellationToken);
            companyId = company.Id;
            if (company.Refused)
            {
                errors.Add("companyId", $"Company ID {input.CompanyId} does not exist or is not visible to you.");
            }
        }

        if (owner is null)
        {
            errors.Add("ownerId", "Choose the owner.");
        }

        var ownerChanges = owner is { } o && o != (contact?.OwnerId ?? actor.UserId);
        if (owner is { } newOwner && (ownerChanges || contact is null) && await Owners.ReceiverProblemAsync(db, actor, newOwner, cancellationToken) is { } problem)
        {
            errors.Add("ownerId", problem);
        }

        if (errors.Any)
        {
            return Result<ContactDetails>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (contact is null)
        {
            contact = new Contact { OwnerId = owner!.Value };
            contact.StampCreated(actor, now);
            db.Contacts.Add(contact);
        }
        else
        {
            contact.StampModified(db, actor, now, input.Version!.Value);
        }

        if (ownerChanges || contact.Id == 0)
        {
            contact.OwnerId = owner!.Value;
            contact.DepartmentId = await Owners.DepartmentOfAsync(db, owner.Value, cancellationToken);
        }

        contact.FirstName = first!;
        contact.LastName = last!;
        contact.Email = email;
        contact.Phone = phone;
        contact.Title = title;
        contact.CompanyId = companyId;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result<ContactDetails>.Conflict(ChangedBySomeoneElse);
        }

        return Result<ContactDetails>.Ok(await ReadContact.DetailsAsync(db, access, actor, contact, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
