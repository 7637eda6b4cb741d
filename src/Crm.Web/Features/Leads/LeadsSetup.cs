using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Leads = ModuleDefinition.Standard("leads", "Leads", "Lead", PermissionAction.Import) with { Order = 30 };
    }
}

namespace Crm.Web.Features.Leads
{
    public sealed class LeadsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Leads];

        public void MapApi(RouteGroupBuilder api) => api.MapLeadsApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<LeadLookup>();
            services.AddScoped<ListLeads>();
            services.AddScoped<ReadLead>();
            services.AddScoped<SaveLead>();
            services.AddRecordImport<Lead, SaveLead, LeadInput, LeadFields, LeadDetails, DeleteOwnedRecord<Lead>, OwnedRecordDeleteImpact>(CrmModules.Leads, ["email"],
                new Dictionary<string, IReadOnlyList<string>> { ["source"] = LeadSources.All, ["status"] = LeadStatuses.Editable },
                inputOf: LeadInput.Of);
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Lead>(CrmModules.Leads.Key, "lead", "lead-deleted", "lead", l => $"{l.FirstName} {l.LastName}"));
            services.AddScoped<ConvertLead>();
            // Mailing recipients bound to the departing owner's account follow their leads too.
            services.AddOwnerMoves<Lead>(CrmModules.Leads, (db, leads, receiver, cancellationToken) =>
                Mailings.MassContacts.FollowOwnerAsync(db, CrmModules.Leads.Key, [.. leads.Select(l => l.Id)], receiver, cancellationToken));
            services.AddSection(new Section("Leads", "Possible customers to qualify, and to convert into contacts, companies and deals.", "/leads", 30, _ => true)
            {
                Module = CrmModules.Leads.Key,
            });
            services.AddHelpTopic(new HelpTopic("leads", "Leads",
            [
                "A lead is a possible customer you have not qualified yet: a person, the name of their company as they gave it, how to reach them and where the lead came from (web, referral, event or other).",
                "The lead list shows the leads your role lets you see. Filter by status or source, search by name, email or company name, and sort by name or ID.",
                "Move a lead through its statuses (new, contacted, qualified, disqualified) by editing it. When it is qualified, use Convert on its page.",
                "Converting creates a contact from the lead and either a new company named after the lead's company or links an existing company you choose (type part of its name and pick it from the suggestions, or type its ID), and, if you wish, a deal with a title and amount. Everything is created together or nothing is. You need to be allowed to edit the lead and to add each kind of record created.",
                "A converted lead keeps links to the contact, company and deal it became, and can no longer be edited or converted again.",
            ]));
        }
    }
}
