using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

/// <summary>What a form or an API caller may set (the API body, named LeadRequest in the OpenAPI document); anything else in a body (id, createdAt, departmentId) is ignored.</summary>
[ApiSchemaName("LeadRequest")]
public sealed record LeadInput(
    string? FirstName, string? LastName, string? CompanyName, string? Email, string? Phone, string? Source, string? Status, string? Notes,
    Guid? OwnerId, int? Version);

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
    Owner = 256,
    All = FirstName | LastName | CompanyName | Email | Phone | Source | Status | Notes | Owner,
}

/// <summary>
/// Adds a lead (needs create) or changes one (needs edit and the version read). A converted lead
/// is final: it is not edited again, and "converted" is only ever set by <see cref="ConvertLead"/>.
/// </summary>
public sealed class SaveLead(CrmDb db, RecordAccess access, RecordEditing editing, TimeProvider clock)
{
    public const string ChangedBySomeoneElse = "This lead was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";

    private static readonly RecordEditRules<Lead> s_rules = new(CrmModules.Leads.Key, "lead", "You may not add leads.", ChangedBySomeoneElse)
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
        fields = lead is null ? LeadFields.All : fields;

        string? Pick(LeadFields field, string? given, string? current) => fields.HasFlag(field) ? Clean(given) : current;
        var first = Pick(LeadFields.FirstName, input.FirstName, lead?.FirstName);
        var last = Pick(LeadFields.LastName, input.LastName, lead?.LastName);
        var company = Pick(LeadFields.CompanyName, input.CompanyName, lead?.CompanyName);
        var email = Pick(LeadFields.Email, input.Email, lead?.Email);
        var phone = Pick(LeadFields.Phone, input.Phone, lead?.Phone);
        var source = Pick(LeadFields.Source, input.Source, lead?.Source)?.ToLowerInvariant() ?? LeadSources.Other;
        var status = Pick(LeadFields.Status, input.Status, lead?.Status)?.ToLowerInvariant() ?? LeadStatuses.New;
        var notes = Pick(LeadFields.Notes, input.Notes, lead?.Notes);
        var owner = fields.HasFlag(LeadFields.Owner) && input.OwnerId is { } given ? given : lead?.OwnerId ?? actor.UserId;

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
            return Result<LeadDetails>.Conflict(ChangedBySomeoneElse);
        }

        return Result<LeadDetails>.Ok(await ReadLead.DetailsAsync(db, access, actor, lead, cancellationToken));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
