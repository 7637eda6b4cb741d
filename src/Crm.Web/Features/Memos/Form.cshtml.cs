using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Memos;

/// <summary>The model of <c>/memos/new</c> and <c>/memos/{id}/edit</c>.</summary>
public sealed class MemoFormPage(ReadMemo read, SaveMemo save, CrmDb db, RecordLookups lookups) : RecordFormPage<MemoInput, MemoView, MemoDetails>
{
    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>What a memo can be about: usually a deal, but any module with a lookup.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey is not ("memos" or "files"))];

    public Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new MemoInput { RelatedModule = relatedModule, RelatedId = relatedId }, cancellationToken);

    protected override Task<Result<MemoView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(MemoView view) => view.Can.Edit;

    protected override MemoInput Fill(MemoView view) => MemoInput.Of(view.Memo);

    protected override Task<Result<MemoDetails>> SaveAsync(Actor actor, int? id, MemoInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, MemoFields.All, cancellationToken);

    protected override string PageOf(MemoDetails saved) => $"/memos/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var me = HttpContext.Actor().UserId;
        Users = [.. (await OwnerChoices.ActiveAsync(db, cancellationToken)).Where(u => u.Id != me)];
    }
}
