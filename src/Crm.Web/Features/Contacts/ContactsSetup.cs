using Crm.Web.Features.Records;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Help;
using Crm.Web.Features.Users;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public static class ContactsSetup
{
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddRecordLookup<ContactLookup>();
        services.AddScoped<ListContacts>();
        services.AddScoped<ReadContact>();
        services.AddScoped<SaveContact>();
        services.AddScoped<DeleteContact>();
        services.AddScoped<ExportContacts>();
        // Registered after companies: contacts of the leaver's companies have already followed
        // their companies; this moves the rest of what the leaver owns, with the same stamping.
        services.AddSingleton(provider => new OwnedRecords(
            "contacts",
            (db, userId, cancellationToken) => db.Contacts.CountAsync(c => c.OwnerId == userId, cancellationToken),
            async (db, from, to, cancellationToken) => await TransferCompanies.MoveContactsAsync(db, db.Contacts.Where(c => c.OwnerId == from), to,
                await Owners.DepartmentOfAsync(db, to, cancellationToken), provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, null, cancellationToken)));
        services.AddSection(new Section("Contacts", "The people at your customers and prospects.", "/contacts", 20, _ => true)
        {
            Module = Security.Permissions.CrmModules.Contacts.Key,
        });
        services.AddHelpTopic(new HelpTopic("contacts", "Contacts",
        [
            "The contact list shows the contacts your role lets you see. Search by name or email, sort by name or ID, and page with Next and Previous. A company's page lists its contacts.",
            "A contact may belong to a company you can see: type part of the company's name in the Company field and pick it from the suggestions. When a company is transferred to another owner, its contacts follow it; when a company is deleted, its contacts are deleted with it (the confirmation lists them).",
            "Export CSV and Export Excel download the current list (with your search, company filter and sort) when your role may export contacts; fields your role hides are left out. Every export is recorded in the activity log and the audit trail.",
            "If someone else saved a contact after you opened it, your save is refused with a message instead of overwriting their change.",
        ]));
        return services;
    }
}
