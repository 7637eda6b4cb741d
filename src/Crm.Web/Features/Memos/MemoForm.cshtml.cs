using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Memos;

/// <summary>The model of <c>/memos/new</c> and <c>/memos/{id}/edit</c>.</summary>
public sealed class MemoFormPage(ReadMemo read, SaveMemo save, CrmDb db, RecordLookups lookups) : PageModel
{
    [BindProperty]
    public MemoForm Input { get; set; } = new();

    public int? Id { get; private set; }

    public IReadOnlyList<OwnerChoice> Users { get; private set; } = [];

    /// <summary>What a memo can be about: usually a deal, but any module with a lookup.</summary>
    public IReadOnlyList<IRecordLookup> Modules => [.. lookups.All.Where(l => l.ModuleKey is not ("memos" or "files"))];

    public async Task<IActionResult> OnGetAsync(int? id, string? relatedModule, int? relatedId, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await read.RunAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            if (!found.Value!.Can.Edit)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            var m = found.Value.Memo;
            Input = new MemoForm { Title = m.Title, Body = m.Body, RecipientId = m.RecipientId, IsDraft = m.IsDraft, RelatedModule = m.RelatedModule, RelatedId = m.RelatedId, Version = m.Version };
        }
        else
        {
            Input = new MemoForm { RelatedModule = relatedModule, RelatedId = relatedId };
        }

        await LoadUsersAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var input = new MemoInput(Input.Title, Input.Body, Input.RecipientId, Input.IsDraft, Input.RelatedModule, Input.RelatedId, Input.Version);
            var result = await save.RunAsync(HttpContext.Actor(), id, input, MemoFields.All, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/memos/{result.Value!.Id}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            result.CopyTo(ModelState);
        }

        await LoadUsersAsync(cancellationToken);
        return Page();
    }

    private async Task LoadUsersAsync(CancellationToken cancellationToken)
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
