using Crm.Web.Features.Companies;
using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Contacts = ModuleDefinition.Standard("contacts", "Contacts", "Contact", PermissionAction.Import) with { Order = 20 };
    }
}

namespace Crm.Web.Features.Contacts
{
    public sealed class ContactsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Contacts];

        public void MapApi(RouteGroupBuilder api) => api.MapContactsApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<ContactLookup>();
            services.AddScoped<ListContacts>();
            services.AddScoped<ReadContact>();
            services.AddScoped<SaveContact>();
            services.AddRecordImport<Contact, SaveContact, ContactInput, ContactFields, ContactDetails, DeleteContact, ContactDeleteImpact>(CrmModules.Contacts, ["email"]);
            services.AddScoped<DeleteContact>();
            // Registered after companies: contacts of the leaver's companies have already followed
            // their companies; this moves the rest of what the leaver owns, with the same stamping.
            services.AddOwnerMoves<Contact>(CrmModules.Contacts, async (db, clock, owned, handover, cancellationToken) =>
                await TransferCompanies.MoveContactsAsync(db, owned, handover.To, await Owners.DepartmentOfAsync(db, handover.To, cancellationToken),
                    clock.GetUtcNow().UtcDateTime, handover.ByUserId, cancellationToken));
            services.AddSection(new Section("Contacts", "The people at your customers and prospects.", "/contacts", 20, _ => true)
            {
                Module = CrmModules.Contacts.Key,
            });
            services.AddHelpTopic(new HelpTopic("contacts", "Contacts",
            [
                "The contact list shows the contacts your role lets you see. Search by name or email, sort by name or ID, and page with Next and Previous. A company's page lists its contacts.",
                "A contact may belong to a company you can see: type part of the company's name in the Company field and pick it from the suggestions. When a company is transferred to another owner, its contacts follow it; when a company is deleted, its contacts are deleted with it (the confirmation lists them).",
                "Export CSV and Export Excel download the current list (with your search, company filter and sort) when your role may export contacts; fields your role hides are left out. Every export is recorded in the activity log and the audit trail.",
                "If someone else saved a contact after you opened it, your save is refused with a message instead of overwriting their change.",
            ]));
        }
    }
}
