using Crm.Web.Features.Help;
using Crm.Web.Web;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// Custom fields (issue 28, ADR 0034): fields an administrator adds to any object module, of twelve
/// types, their values kept in one typed table beside the records. The definitions are
/// administrators' (the /admin convention and <see cref="Security.Policies.Administrator"/> on the API).
/// </summary>
public sealed class CustomFieldsSetup : ICrmFeature
{
    public void MapApi(RouteGroupBuilder api) => api.MapCustomFieldsApi();

    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<ListCustomFields>();
        services.AddScoped<SaveCustomField>();
        services.AddScoped<DeleteCustomField>();
        services.AddScoped<CustomFieldRecords>();
        services.AddScoped<CustomFieldValues>();
        services.AddScoped<Records.IRecordCustomFields>(s => s.GetRequiredService<CustomFieldValues>());
        services.AddSection(new Section(
            "Custom fields",
            "Business-specific fields on companies, contacts, leads, deals and the other modules.",
            "/admin/custom-fields",
            540,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    private static readonly HelpTopic s_help = new("custom-fields", "Custom fields",
    [
        "Custom fields add what your business records beyond the built-in fields: a VAT number or an ERP client code on companies, the industry or the estimated budget of a lead. Each belongs to one module (companies, contacts, leads, deals, products, tasks, memos).",
        "A field has a key (letters, digits and _, starting with a letter, like vatNumber), which the API and imports use and which cannot change; a label shown on forms; and a type: text, number, money, date, date and time (UTC), select, multi-select, checkbox, text area, web address, email address or phone number. Keys that are built-in fields of the module, and words like id, owner or __proto__, are refused.",
        "Selects list their choices in the order you give. A choice you no longer want offered can be retired: records keep it, new values cannot take it. Removing a choice that records still hold is refused; retire it instead.",
        "Required: think carefully. On a module that already has records without a value, you choose to fill them with the default value now, or to require the field only when a record is added or next edited; your choice is kept on the field. The default value fills new forms.",
        "Admin only hides the field from everyone but administrators. Show on PDF and show on portal are kept for the documents and the client portal; personal data marks the field for GDPR requests. Half or full sets the width of the field on forms, and the position its place among the custom fields.",
        "The fields appear on the module's add and edit forms, after the built-in fields, in their position order, half or full width, with their help text; a required field is marked with *. A new record's form starts with the default values. Saving checks them as the API does: a wrong value or a missing required one is named beside its input, what was typed stays on the form, and nothing is saved until every field is right. The record's page lists them with their labels: dates and times in each user's format, money with two decimals, a checkbox as Yes or No, a multi-select as its choices, web and email addresses as links. A module's list offers them as optional columns (tick them under the filters), and its CSV and Excel exports end with a column per custom field.",
        "A module's list can be filtered by its custom fields (all types but text area): a select or multi-select by one of its choices, a checkbox by Yes (ticked) or No (not ticked or never set), the other types by an equal value (a number, an amount or a date as on the form). The filter is kept in the address as cf.key=value, so paging, sorting, the chosen columns and the Export links keep it, and the API takes the same on the module's list and export (GET /api/v1/companies?cf.industry=Retail). A field you may not see (admin only, or hidden by a rule of your role) is refused exactly as an unknown key is, so its existence is not told; a value that is not a choice, a number or a date gets a message naming the filter (400 in the API). A record outside what you may see never appears and is never counted.",
        "A module's list sorts by a custom field (all types but text area): show its column and click the column's header; click again for the reverse order. Records without a value come last either way, and records with the same value go by ID. The sort stays in the address (sort=cf.key, or sort=-cf.key for the reverse), so paging, the filters and the Export links keep it; the API takes the same on the module's list and export. A field you may not see cannot sort the list.",
        "Through the API, every record's reads (its GET, and each item of its module's list) carry a customFields object with the fields you may see, by key, and creates and updates take one. The OpenAPI document (/api/v1/openapi.json) describes customFields on every module and points here, and to GET /api/v1/custom-fields?module=companies, for the keys.",
        "Everyone sees the fields their role sees: an admin-only field is on the forms, pages and exports of administrators only; a field rule of a role can hide a custom field (by its key) or make it read-only, shown but not changeable on the form.",
        "Changing the type is refused when stored values could not be read as the new type; the message counts them and shows examples. Deleting a field shows how many records hold a value and removes those values; the field's deletion and the count are recorded in the audit trail.",
    ], AdministratorsOnly: true);
}
