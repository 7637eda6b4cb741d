using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Records;

/// <summary>
/// The record page every object module shares (<c>/x/{id}</c>): the module's read use case (404 when
/// the record does not exist or the actor may not view it), the notice after a saved form
/// (<c>?saved=true</c>), and whatever else the module's page shows beside the record.
/// </summary>
public abstract class RecordDetailsPage<TView> : PageModel
    where TView : class
{
    public TView View { get; private set; } = null!;

    /// <summary>Whether the page follows a saved form, and says so.</summary>
    public bool Saved { get; private set; }

    protected abstract Task<Result<TView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken);

    /// <summary>What the module's page loads beside the record (related emails, contacts), once the record may be shown.</summary>
    protected virtual Task LoadMoreAsync(Actor actor, int id, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var found = await ReadAsync(actor, id, cancellationToken);
        if (!found.IsOk)
        {
            return NotFound();
        }

        View = found.Value;
        Saved = saved;
        await LoadMoreAsync(actor, id, cancellationToken);
        return Page();
    }
}
