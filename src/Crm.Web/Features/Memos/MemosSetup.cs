using Crm.Web.Features.Help;
using Crm.Web.Features.Records;
using Crm.Web.Features.Users;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Memos;

public static class MemosSetup
{
    public static IServiceCollection AddMemos(this IServiceCollection services)
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
        services.AddSingleton(provider => new OwnedRecords(
            "memos",
            (db, userId, cancellationToken) => db.Memos.CountAsync(m => m.OwnerId == userId, cancellationToken),
            async (db, from, to, cancellationToken) =>
            {
                var department = await Owners.DepartmentOfAsync(db, to, cancellationToken);
                var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                foreach (var memo in await db.Memos.Where(m => m.OwnerId == from).ToListAsync(cancellationToken))
                {
                    memo.OwnerId = to;
                    memo.DepartmentId = department;
                    memo.ModifiedAt = now;
                    memo.Version++;
                }
            }));
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
        return services;
    }
}
