using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public const string MemoStage = "stage";
        public const string MemoReviewed = "reviewed";

        public static readonly ModuleDefinition Memos = ModuleDefinition.Standard("memos", "Memos", "Memo", PermissionAction.Review) with
        {
            Order = 70,
            Rules =
            [
                new("memo-author-sees", "The author always sees the memo", RuleEffect.Grant, [PermissionAction.View], RecordRelation.Author),
                new("memo-reviewed-locked", "Once reviewed, the author can no longer edit or delete the memo", RuleEffect.Deny,
                    [PermissionAction.Edit, PermissionAction.Delete], RecordRelation.Author, StateCondition.Is(MemoStage, MemoReviewed)),
                new("memo-recipient-reviews", "The recipient can review the memo until it is reviewed", RuleEffect.Grant,
                    [PermissionAction.Review], RecordRelation.Recipient, StateCondition.IsNot(MemoStage, MemoReviewed)),
            ],
        };
    }
}

namespace Crm.Web.Features.Memos
{
    public sealed class MemosSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Memos];

        public void MapApi(RouteGroupBuilder api) => api.MapMemosApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddScoped<MemoVisibility>();
            services.AddScoped<ListMemos>();
            services.AddScoped<ExportMemos>();
            services.AddScoped<ReadMemo>();
            services.AddScoped<SaveMemo>();
            services.AddScoped<ReviewMemo>();
            services.AddScoped<CreateTaskFromMemo>();
            services.AddScoped<DeleteMemo>();
            services.AddRecordLookup<MemoLookup>();
            // Deleting a user hands over the memos they own; the author stays the author (it is history).
            services.AddOwnerMoves<Memo>(CrmModules.Memos);
            // Listed for everyone: anyone may write memos or be asked to review one.
            services.AddSection(new Section("Memos", "Office memos: write to a colleague, review what was sent to you.", "/memos", 45, _ => true));
            services.AddHelpTopic(new HelpTopic("memos", "Office memos",
            [
                "An office memo is written by its author to a recipient, who reviews it. The list shows the memos your role lets you see, the memos you wrote and the memos you must review. \"To review\" shows those waiting for you.",
                "Save a memo as a draft to keep working on it: a draft is visible to you only and cannot be reviewed. Untick \"Draft\" to send it.",
                "The recipient reviews a memo with \"Postpone\" (to come back to it) or \"Mark reviewed\", with an optional comment. Once a memo is reviewed its author can still read it but can no longer edit or delete it.",
                "\"Create task\" makes a task about the memo; the memo's files are attached to the task as well (the content is stored once and shared). Deleting a memo deletes its tasks and files; the confirmation lists them first.",
                "Export CSV and Export Excel download exactly the memos the list shows you (with your search, stage, box and sort; never someone else's draft) when your role may export memos. Every export is recorded in the activity log and the audit trail.",
            ]));
        }
    }
}
