using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Deals = ModuleDefinition.Standard("deals", "Deals", "Deal") with { SensitiveFields = ["amount"], Order = 40 };
    }
}

namespace Crm.Web.Features.Deals
{
    public sealed class DealsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Deals];

        public void MapApi(RouteGroupBuilder api) => api.MapDealsApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<DealLookup>();
            services.AddRecordDependents<DealDependents>();
            services.AddScoped<ListDeals>();
            services.AddScoped<ReadDeal>();
            services.AddScoped<SaveDeal>();
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Deal>(CrmModules.Deals.Key, "deal", "deal-deleted", "deal", d => d.Title));
            services.AddScoped<ExportDeals>();
            // Deleting a user hands the deals they still own (those not moved with a company) to the receiver, tracked.
            services.AddOwnerMoves<Deal>(CrmModules.Deals);
            services.AddSection(new Section("Deals", "Sales opportunities through the pipeline, with their amounts and stages.", "/deals", 40, _ => true)
            {
                Module = CrmModules.Deals.Key,
            });
            services.AddHelpTopic(new HelpTopic("deals", "Deals",
            [
                "A deal is a sales opportunity. It moves through a fixed pipeline: new, qualification, proposal, negotiation, and finally won or lost. Deals not won or lost are \"open\". A won or lost deal needs a closing reason.",
                "The deal list shows the deals your role lets you see. Filter by stage or open deals, search by title, sort by title, amount or ID, and page with Next and Previous.",
                "A deal may belong to a company and name a contact; the contact must work for that company. Deleting the company deletes its deals (the company's delete confirmation lists them); deleting the contact only removes the contact from the deal. A delete never takes linked records you may not delete yourself: if there are any, the confirmation counts them by module and the delete is refused until their owners or an administrator deal with them.",
                "The amount is entered like 1234.50 (a dot for decimals, no thousands separators) with a three-letter currency code such as EUR; it cannot be negative or have more decimals than the currency has. Your role may hide the amount (you then see neither amount nor currency) or make it read-only.",
                "When companies are transferred with \"also their open deals\", the open deals of those companies move to the new owner too.",
                "The page shows the deal's ID (search \"ID 12\" to find it) and a History link; logged emails about the deal are listed on its page.",
            ]));
        }
    }

    /// <summary>The "open deals" option of a company transfer: these deals go to the receiver with the companies, saved.</summary>
    public static class MoveDeals
    {
        public static async Task<int> MoveCountAsync(Data.CrmDb db, TimeProvider clock, IQueryable<Deal> deals, Guid receiverId, Guid? byUserId, CancellationToken cancellationToken)
        {
            var moved = await OwnerMoves.MoveAsync(db, deals, receiverId, clock.GetUtcNow().UtcDateTime, byUserId, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return moved.Count;
        }
    }
}
