using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Deals = ModuleDefinition.Standard("deals", "Deals", "Deal", PermissionAction.Import) with { SensitiveFields = ["amount"], Order = 40 };
    }
}

namespace Crm.Web.Features.Deals
{
    public sealed class DealsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Deals];

        /// <summary><c>/api/v1/deals</c>: signed-in callers; permissions and field rules are decided inside the use cases.</summary>
        public void MapApi(RouteGroupBuilder api)
        {
            var deals = api.MapGroup("/deals").WithTags("Deals").RequireAuthorization();

            deals.MapGet("", async (string? search, string? sort, string? cursor, int? pageSize, string? stage, bool? open, int? companyId, Guid? ownerId,
                    HttpContext http, ListDeals list, CancellationToken cancellationToken) =>
                    (await list.RunAsync(http.Actor(), new DealQuery(search, sort, cursor, pageSize, stage, open, companyId, ownerId), cancellationToken))
                        .ToHttp(page => Results.Ok(page)))
                .AsRecordList<DealListItem>(CrmModules.Deals)
                .WithName("ListDeals")
                .WithSummary("The deals you may view: filter by stage, open (true: not won or lost), companyId, ownerId; search by title; sort by title, amount or id; keyset-paged.");

            deals.MapGet("/export", async (string? format, string? search, string? sort, string? stage, bool? open, int? companyId, Guid? ownerId,
                    HttpContext http, ListDeals list, CancellationToken cancellationToken) =>
                (await list.ExportAsync(http.Actor(), new DealQuery(search, sort, null, null, stage, open, companyId, ownerId), format, cancellationToken))
                    .ToHttp(file => file.ToDownload(http.RequestAborted)))
                .AsListExport(deals, "ExportDeals", "deals");

            deals.MapOwnedRecordEdits(
                new OwnedRecordEdits<DealInput, DealFields>("Deal")
                {
                    GetSummary = "One deal; 404 when it does not exist or you may not view it. amount and currency are absent when your role hides the amount.",
                    CreateSummary = "Adds a deal; amount is a string like \"1234.50\" in the currency's decimals; the owner defaults to you.",
                },
                get: async (ReadDeal read, Actor actor, int id, CancellationToken cancellationToken) =>
                    (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Deal)),
                save: (SaveDeal save, Actor actor, int? id, DealInput input, DealFields fields, CancellationToken cancellationToken) =>
                    save.RunAsync(actor, id, input, fields, cancellationToken),
                location: d => $"/api/v1/deals/{d.Id}");

            deals.MapOwnedRecordDelete<Deal>("Deal", "dealId", "title",
                "Deletes the deal and what hangs on it (see delete-impact) in one transaction.");
        }

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<DealLookup>();
            services.AddRecordDependents<DealDependents>();
            services.AddScoped<ListDeals>();
            services.AddScoped<ReadDeal>();
            services.AddScoped<SaveDeal>();
            services.AddRecordImport<Deal, SaveDeal, DealInput, DealFields, DealDetails, DeleteOwnedRecord<Deal>, OwnedRecordDeleteImpact>(CrmModules.Deals, [],
                new Dictionary<string, IReadOnlyList<string>> { ["stage"] = DealStages.All },
                inputOf: DealInput.Of);
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Deal>(CrmModules.Deals.Key, "deal", "deal-deleted", "deal", d => d.Title));
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
