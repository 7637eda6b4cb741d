using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Records;

/// <summary>
/// The model of a CRM object's form, one page for <c>/x/new</c> and <c>/x/{id}/edit</c>: opened from
/// the record (404 when the actor may not view it, 403 when they may not edit it) or blank, saved
/// through the module's save use case, then on to the record's page; a refused save shows the
/// form again with the use case's messages. A module names its read, its save and how its form
/// and the record map onto each other; its own GET handler passes the query's pre-fills.
/// </summary>
public abstract class RecordFormPage<TForm, TView, TSaved> : PageModel
    where TForm : class, new()
    where TView : class
    where TSaved : class
{
    [BindProperty]
    public TForm Input { get; set; } = new();

    public int? Id { get; private set; }

    /// <summary>Why the record cannot be edited at all (a converted lead, an incoming email): shown instead of the form.</summary>
    public string? Refused { get; private set; }

    /// <summary>Whether this answer is to a posted form (which has no record view to decide from).</summary>
    protected bool Posted => HttpMethods.IsPost(Request.Method);

    protected abstract Task<Result<TView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken);

    protected abstract bool MayEdit(TView view);

    /// <summary>The form filled from the record being edited.</summary>
    protected abstract TForm Fill(TView view);

    protected abstract Task<Result<TSaved>> SaveAsync(Actor actor, int? id, TForm form, CancellationToken cancellationToken);

    /// <summary>The record's page, where a saved form goes.</summary>
    protected abstract string PageOf(TSaved saved);

    /// <summary>What the page needs besides the form (owners to choose from, field rules), loaded before the form is shown.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A refusal that makes the record not editable at all, decided on the record (null: it may be edited).</summary>
    protected virtual string? RefusalOf(TView view) => null;

    /// <summary>Whether a refused save is such a refusal (the record became uneditable meanwhile).</summary>
    protected virtual bool IsRefusal(Result<TSaved> result) => false;

    /// <summary>The GET of the form: the record's values, or <paramref name="blank"/> (the query's pre-fills) for a new one.</summary>
    protected async Task<IActionResult> OpenAsync(int? id, Func<TForm>? blank, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is { } existing)
        {
            var found = await ReadAsync(HttpContext.Actor(), existing, cancellationToken);
            if (!found.IsOk)
            {
                return NotFound();
            }

            if (RefusalOf(found.Value) is { } refusal)
            {
                Refused = refusal;
                return Page();
            }

            if (!MayEdit(found.Value))
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            Input = Fill(found.Value);
        }
        else if (blank is not null)
        {
            Input = blank();
        }

        await PrepareAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var result = await SaveAsync(HttpContext.Actor(), id, Input, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"{PageOf(result.Value)}?saved=true");
            }

            if (result.Outcome == Outcome.NotFound)
            {
                return NotFound();
            }

            if (IsRefusal(result))
            {
                Refused = result.Message;
                return Page();
            }

            result.CopyTo(ModelState);
        }

        await PrepareAsync(cancellationToken);
        return Page();
    }
}
