using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.Memos;

/// <summary>The model of <c>/memos/new</c> and <c>/memos/{id}/edit</c>.</summary>
public sealed class MemoFormPage(ReadMemo read, SaveMemo save, CrmDb db, RecordLookups lookups) : RecordFormPage<MemoFormPage.MemoForm, MemoView, MemoDetails>
{
    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>What a memo can be about: usually a deal, but any module with a lookup.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey is not ("memos" or "files"))];

    public Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken) =>
        OpenAsync(id, () => new MemoForm { RelatedModule = relatedModule, RelatedId = relatedId }, cancellationToken);

    protected override Task<Result<MemoView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(MemoView view) => view.Can.Edit;

    protected override MemoForm Fill(MemoView view)
    {
        var m = view.Memo;
        return new MemoForm { Title = m.Title, Body = m.Body, RecipientId = m.RecipientId, IsDraft = m.IsDraft, RelatedModule = m.RelatedModule, RelatedId = m.RelatedId, Version = m.Version };
    }

    protected override Task<Result<MemoDetails>> SaveAsync(Actor actor, int? id, MemoForm form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, new MemoInput(form.Title, form.Body, form.RecipientId, form.IsDraft, form.RelatedModule, form.RelatedId, form.Version),
            MemoFields.All, cancellationToken);

    protected override string PageOf(MemoDetails saved) => $"/memos/{saved.Id}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var me = HttpContext.Actor().UserId;
        Users = [.. (await OwnerChoices.ActiveAsync(db, cancellationToken)).Where(u => u.Id != me)];
    }

    public sealed class MemoForm
    {
        [Display(Name = "Title")]
        public string? Title { get; set; }

        [Display(Name = "Text")]
        public string? Body { get; set; }

        [Display(Name = "Reviewer")]
        public Guid? RecipientId { get; set; }

        [Display(Name = "Draft")]
        public bool IsDraft { get; set; }

        [Display(Name = "Related module")]
        public string? RelatedModule { get; set; }

        [Display(Name = "Related record"), ModelBinder(typeof(RecordIdBinder))]
        public int? RelatedId { get; set; }

        public int? Version { get; set; }
    }
}
