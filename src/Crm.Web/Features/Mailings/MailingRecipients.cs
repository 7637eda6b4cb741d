using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Leads;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Mailings;

/// <summary>One record a mailing may write to, with the values its template can use.</summary>
public sealed record MailingRecipient(int RecordId, string Email, string FirstName, string LastName, string Name);

/// <summary>
/// The saved filter of a mailing: a module (contacts, companies or leads) and optionally one of
/// its fields that must contain a value. Recipients are only ever drawn through the permission
/// engine's row filter for the sender, so a record outside their scope is never written to.
/// </summary>
public sealed class MailingRecipients(CrmDb db, RecordAccess access)
{
    /// <summary>The fields a filter may name, per module (camelCase, as the API spells them).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [CrmModules.Contacts.Key] = ["firstName", "lastName", "email", "title"],
        [CrmModules.Companies.Key] = ["name", "email", "city"],
        [CrmModules.Leads.Key] = ["firstName", "lastName", "email", "companyName", "status", "source"],
    };

    /// <summary>Checks the filter; adds one message per wrong field to <paramref name="errors"/>.</summary>
    public static void Validate(FieldErrors errors, string? module, string? field, string? value)
    {
        if (string.IsNullOrWhiteSpace(module))
        {
            errors.Add("module", "Choose whom to write to: contacts, companies or leads.");
            return;
        }

        if (!Fields.TryGetValue(module, out var fields))
        {
            errors.Add("module", $"Mailings go to contacts, companies or leads; '{Shorten(module)}' is not one of them.");
            return;
        }

        if (string.IsNullOrWhiteSpace(field))
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                errors.Add("filterField", "Choose the field the value must be found in.");
            }

            return;
        }

        if (!fields.Contains(field, StringComparer.Ordinal))
        {
            errors.Add("filterField", $"'{Shorten(field)}' is not a field of {module} a mailing can filter on; use one of {string.Join(", ", fields)}.");
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add("filterValue", "Give the value the field must contain.");
        }
        else
        {
            errors.Text("filterValue", "Value", value, 200).PlainText("filterValue", "Value", value);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The matching records with an email address that the sender may view (a validated filter), by ID.</summary>
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...): no .NET culture is involved.
    // What a GDPR erasure leaves in an address: no recipient.
    private const string Erased = Audit.TrailRedaction.Erased;

    public async Task<IQueryable<MailingRecipient>> QueryAsync(Actor sender, string module, string? field, string? value, CancellationToken cancellationToken)
    {
        var term = string.IsNullOrWhiteSpace(field) ? null : value!.Trim().ToLowerInvariant();
        if (module == CrmModules.Contacts.Key)
        {
            var contacts = db.Contacts.Where(await access.VisibleAsync<Contact>(sender, module, cancellationToken)).Where(c => c.Email != null && c.Email != "" && c.Email != Erased);
            contacts = (field, term) switch
            {
                (null or "", _) => contacts,
                ("firstName", _) => contacts.Where(c => c.FirstName.ToLower().Contains(term!)),
                ("lastName", _) => contacts.Where(c => c.LastName.ToLower().Contains(term!)),
                ("email", _) => contacts.Where(c => c.Email!.ToLower().Contains(term!)),
                ("title", _) => contacts.Where(c => c.Title != null && c.Title.ToLower().Contains(term!)),
                _ => throw new ArgumentException($"Unvalidated filter field '{field}'.", nameof(field)),
            };
            return contacts.OrderBy(c => c.Id).Select(c => new MailingRecipient(c.Id, c.Email!, c.FirstName, c.LastName, c.FirstName + " " + c.LastName));
        }

        if (module == CrmModules.Companies.Key)
        {
            var companies = db.Companies.Where(await access.VisibleAsync<Company>(sender, module, cancellationToken)).Where(c => c.Email != null && c.Email != "" && c.Email != Erased);
            companies = (field, term) switch
            {
                (null or "", _) => companies,
                ("name", _) => companies.Where(c => c.Name.ToLower().Contains(term!)),
                ("email", _) => companies.Where(c => c.Email!.ToLower().Contains(term!)),
                ("city", _) => companies.Where(c => c.City != null && c.City.ToLower().Contains(term!)),
                _ => throw new ArgumentException($"Unvalidated filter field '{field}'.", nameof(field)),
            };
            return companies.OrderBy(c => c.Id).Select(c => new MailingRecipient(c.Id, c.Email!, "", "", c.Name));
        }

        var leads = db.Leads.Where(await access.VisibleAsync<Lead>(sender, CrmModules.Leads.Key, cancellationToken)).Where(l => l.Email != null && l.Email != "" && l.Email != Erased);
        leads = (field, term) switch
        {
            (null or "", _) => leads,
            ("firstName", _) => leads.Where(l => l.FirstName.ToLower().Contains(term!)),
            ("lastName", _) => leads.Where(l => l.LastName.ToLower().Contains(term!)),
            ("email", _) => leads.Where(l => l.Email!.ToLower().Contains(term!)),
            ("companyName", _) => leads.Where(l => l.CompanyName != null && l.CompanyName.ToLower().Contains(term!)),
            ("status", _) => leads.Where(l => l.Status.ToLower().Contains(term!)),
            ("source", _) => leads.Where(l => l.Source.ToLower().Contains(term!)),
            _ => throw new ArgumentException($"Unvalidated filter field '{field}'.", nameof(field)),
        };
        return leads.OrderBy(l => l.Id).Select(l => new MailingRecipient(l.Id, l.Email!, l.FirstName, l.LastName, l.FirstName + " " + l.LastName));
    }
#pragma warning restore CA1304, CA1311, CA1862
}
