using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Memos;

/// <summary>The memo page, with the recipient's review form and "Create task".</summary>
public sealed class MemoPage(ReadMemo read, ReviewMemo review, CreateTaskFromMemo createTask) : PageModel
{
    public MemoView View { get; private set; } = null!;
    public bool Saved { get; private set; }

    [BindProperty]
    public string? Stage { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await LoadAsync(id, cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostReviewAsync(int id, CancellationToken cancellationToken)
    {
        var result = await review.RunAsync(HttpContext.Actor(), id, Stage, Comment, Version, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/memos/{id}?saved=true");
        }

        return await FailAsync(id, result.Outcome, () => result.CopyTo(ModelState, ""), cancellationToken);
    }

    public async Task<IActionResult> OnPostTaskAsync(int id, CancellationToken cancellationToken)
    {
        var result = await createTask.RunAsync(HttpContext.Actor(), id, null, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/tasks/{result.Value.Id}?saved=true");
        }

        return await FailAsync(id, result.Outcome, () => result.CopyTo(ModelState, ""), cancellationToken);
    }

    private async Task<IActionResult> FailAsync(int id, Outcome outcome, Action copy, CancellationToken cancellationToken)
    {
        if (outcome == Outcome.NotFound || await LoadAsync(id, cancellationToken) is not null)
        {
            return NotFound();
        }

        if (outcome == Outcome.Forbidden)
        {
            copy();
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        copy();
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var found = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        return null;
    }
}
