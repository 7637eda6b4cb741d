using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

/// <summary>
/// What the lead form or an API caller may set, bound straight from either (the API body, named
/// LeadRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is
/// ignored. A new field is a property here and a flag of the same name in <see cref="LeadFields"/>.
/// </summary>
[ApiSchemaName("LeadRequest")]
public sealed class LeadInput
{
    public static LeadInput Of(LeadDetails l) => new()
    {
        FirstName = l.FirstName, LastName = l.LastName, CompanyName = l.CompanyName, Email = l.Email, Phone = l.Phone,
        Source = l.Source, Status = l.Status, Notes = l.Notes, OwnerId = l.OwnerId, Version = l.Version,
    };

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? CompanyName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Source { get; set; }
    public string? Status { get; set; }
    public string? Notes { get; set; }
    [Display(Name = "Owner")] public Guid? OwnerId { get; set; }
    public int? Version { get; set; } // the version read: a save against a newer one is refused
}

[Flags]
public enum LeadFields
{
    None = 0,
    FirstName = 1,
    LastName = 2,
    CompanyName = 4,
    Email = 8,
    Phone = 16,
    Source = 32,
    Status = 64,
    Notes = 128,
    OwnerId = 256,
    // Every field, also one added later.
    All = ~None,
}

/// <summary>
/// Adds a lead (needs create) or changes one (needs edit and the version read). A converted lead
/// is final: it is not edited again, and "converted" is only ever set by <see cref="ConvertLead"/>.
/// </summary>
public sealed class SaveLead(CrmDb db, RecordAccess access, RecordEditing editing, TimeProvider clock)
    : ISaveRecord<LeadInput, LeadFields, LeadDetails>
{
    private static readonly RecordEditRules<Lead> s_rules = new(CrmModules.Leads.Key, "lead", "You may not add leads.")
    {
        Refuse = lead => lead.Status == LeadStatuses.Converted ? Result<Lead>.Conflict(AlreadyConverted(lead.Id)) : null,
    };

    public static string AlreadyConverted(int id) =>
        $"Lead {id} has been converted and can no longer be edited or converted again. Change the contact, company or deal it became instead.";

    public async Task<Result<LeadDetails>> RunAsync(Actor actor, int? id, LeadInput input, LeadFields fields, CancellationToken cancellationToken)
    {
        var opened = await editing.OpenAsync(s_rules, actor, id, input.Version, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<LeadDetails>();
        }

        var lead = opened.Value.Record;
        var pick = opened.Value.Picks(fields);

        var first = pick.Text(LeadFields.FirstName, input.FirstName, lead?.FirstName);
        var last = pick.Text(LeadFields.LastName, input.LastName, lead?.LastName);
        var company = pick.Text(LeadFields.CompanyName, input.CompanyName, lead?.CompanyName);
        var email = pick.Text(LeadFields.Email, input.Email, lead?.Email);
        var phone = pick.Text(LeadFields.Phone, input.Phone, lead?.Phone);
        var source = pick.Text(LeadFields.Source, input.Source, lead?.Source)?.ToLowerInvariant() ?? LeadSources.Other;
        var status = pick.Text(LeadFields.Status, input.Status, lead?.Status)?.ToLowerInvariant() ?? LeadStatuses.New;
        var notes = pick.Text(LeadFields.Notes, input.Notes, lead?.Notes);
        var owner = pick.Owner(LeadFields.OwnerId, input.OwnerId, lead, actor);

        var errors = new FieldErrors()
            .Text("firstName", "First name", first, Lead.NameMaxLength).PlainText("firstName", "First name", first)
            .Text("lastName", "Last name", last, Lead.NameMaxLength).PlainText("lastName", "Last name", last)
            .Text("companyName", "Company name", company, Lead.CompanyNameMaxLength, required: false).PlainText("companyName", "Company name", company)
            .Text("phone", "Phone", phone, Lead.PhoneMaxLength, required: false).PlainText("phone", "Phone", phone)
            .Text("notes", "Notes", notes, Lead.NotesMaxLength, required: false).PlainText("notes", "Notes", notes, singleLine: false);
        if (email is not null)
        {
            errors.Email("email", "Email", email);
        }

        if (!LeadSources.All.Contains(source))
        {
            errors.Add("source", $"Source must be one of: {string.Join(", ", LeadSources.All)}.");
        }

        if (status == LeadStatuses.Converted)
        {
            errors.Add("status", "A lead becomes \"converted\" only by converting it (Convert on its page), which creates its contact and company.");
        }
        else if (!LeadStatuses.Editable.Contains(status))
        {
            errors.Add("status", $"Status must be one of: {string.Join(", ", LeadStatuses.Editable)}.");
        }

        var ownerChanges = await OwnedRecord.CheckOwnerAsync(db, actor, errors, owner, lead, cancellationToken);

        if (errors.Any)
        {
            return Result<LeadDetails>.Invalid(errors);
        }

        lead = await OwnedRecord.StampSavedAsync(db, actor, clock.GetUtcNow().UtcDateTime, lead, input.Version, owner!.Value, ownerChanges, cancellationToken);

        lead.FirstName = first!;
        lead.LastName = last!;
        lead.CompanyName = company;
        lead.Email = email;
        lead.Phone = phone;
        lead.Source = source;
        lead.Status = status;
        lead.Notes = notes;
        if (!await OwnedRecord.SaveVersionedAsync(db, cancellationToken))
        {
            return Result<LeadDetails>.Conflict(s_rules.ChangedBySomeoneElse);
        }

        return Result<LeadDetails>.Ok(await ReadLead.DetailsAsync(db, access, actor, lead, cancellationToken));
    }
}
