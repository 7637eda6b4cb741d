using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Companies = ModuleDefinition.Standard("companies", "Companies", "Company", PermissionAction.Transfer, PermissionAction.Import) with { Order = 10 };
    }
}

namespace Crm.Web.Features.Companies
{
    public sealed class CompaniesSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Companies];

        public void MapApi(RouteGroupBuilder api) => api.MapCompaniesApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<CompanyLookup>();
            services.AddScoped<ListCompanies>();
            services.AddScoped<ReadCompany>();
            services.AddScoped<SaveCompany>();
            services.AddRecordImport<Company, SaveCompany, CompanyInput, CompanyFields, CompanyDetails, DeleteCompany, CompanyDeleteImpact>(CrmModules.Companies, ["email"], inputOf: CompanyInput.Of,
                // Its save reads a new company back from the database (with its matched country): written one by one.
                stagesCreates: false);
            services.AddScoped<DeleteCompany>();
            services.AddScoped<TransferCompanies>();
            // Deleting a user hands their companies (and so the companies' contacts) over through the one transfer move.
            services.AddOwnerMoves<Company>(CrmModules.Companies, async (db, clock, owned, handover, cancellationToken) =>
                await TransferCompanies.MoveAsync(db, clock, owned, handover.To, handover.ByUserId, cancellationToken));
            services.AddSection(new Section("Companies", "The organisations you work with, their contacts and owners.", "/companies", 10, _ => true)
            {
                Module = CrmModules.Companies.Key,
            });
            services.AddHelpTopic(new HelpTopic("companies", "Companies",
            [
                "The company list shows the companies your role lets you see: your own, those of people below you, of your departments, or all of them. Search by name, sort by name or ID, and move page by page with Next and Previous.",
                "Add company and the Edit and Delete buttons appear only when your role allows them. If someone else saved a company after you opened it, your save is refused with a message, so nobody's work is overwritten: reload and make your change again.",
                "Deleting a company also deletes its contacts and the records that hang on it (deals, tasks, files, logged emails). The confirmation page lists them first; confirming deletes exactly those, all at once.",
                "A delete never takes records you may not delete yourself: if the company has contacts, deals or other linked records that belong to people whose records you cannot delete, the confirmation says how many of each and the delete is refused until their owners or an administrator delete or move them.",
                "To hand companies to another sales manager, tick them in the list and use \"Transfer selected to…\". Their contacts follow automatically (and, if you choose, their open deals and open tasks). You can only choose active users your role may assign records to.",
                "A transfer moves only the linked records you may edit yourself: contacts, deals or tasks on the company that belong to people whose records you cannot change stay with their owners. The confirmation and the result say how many were left and why.",
                "Export CSV and Export Excel download the current list (with your search and sort) when your role may export companies; fields your role hides are left out. Every export is recorded in the activity log.",
            ]));
        }
    }
}
