using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Records;

/// <summary>
/// The model of a CRM object's form, one page for <c>/x/new</c> and <c>/x/{id}/edit</c>: opened from
/// the record (404 when the actor may not view it, 403 when they may not edit it) or blank, saved
/// through the module's save use case, then on to the record's page; a refused save shows the
/// form again with the use case's messages. The form binds the save's own input type
/// <typeparamref name="TInput"/> (posted as <c>Input.Title</c> etc.), so a new field needs no change
/// here. A module names its read, its save (with the field flags its form may set) and how the
/// record fills the input; its own GET handler passes the query's pre-fills. The module's custom
/// fields (<see cref="CustomFields"/>, shown by <c>_CustomFieldInputs</c>) are checked and written with
/// the save as the API does, in its transaction.
/// </summary>
public abstract class RecordFormPage<TInput, TView, TSaved> : PageModel
    where TInput : class, new()
    where TView : class
    where TSaved : class
{
    [BindProperty]
    public TInput Input { get; set; } = new();

    public int? Id { get; private set; }

    /// <summary>Why the record cannot be edited at all (a converted lead, an incoming email): shown instead of the form.</summary>
    public string? Refused { get; private set; }

    /// <summary>The module's custom fields the actor may see, with the record's values, the defaults of a new record, or what was typed.</summary>
    public IReadOnlyList<CustomFieldEntry> CustomFields { get; private set; } = [];

    /// <summary>Whether this answer is to a posted form (which has no record view to decide from).</summary>
    protected bool Posted => HttpMethods.IsPost(Request.Method);

    protected abstract Task<Result<TView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken);

    protected abstract bool MayEdit(TView view);

    /// <summary>The form filled from the record being edited (usually <c>XInput.Of(view.X)</c>).</summary>
    protected abstract TInput Fill(TView view);

    protected abstract Task<Result<TSaved>> SaveAsync(Actor actor, int? id, TInput form, CancellationToken cancellationToken);

    /// <summary>The record's page, where a saved form goes.</summary>
    protected abstract string PageOf(TSaved saved);

    /// <summary>What the page needs besides the form (owners to choose from, field rules), loaded before the form is shown.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A refusal that makes the record not editable at all, decided on the record (null: it may be edited).</summary>
    protected virtual string? RefusalOf(TView view) => null;

    /// <summary>Whether a refused save is such a refusal (the record became uneditable meanwhile).</summary>
    protected virtual bool IsRefusal(Result<TSaved> result) => false;

    /// <summary>The GET of the form: the record's values, or <paramref name="blank"/> (the query's pre-fills) for a new one.</summary>
    protected async Task<IActionResult> OpenAsync(int? id, Func<TInput>? blank, CancellationToken cancellationToken)
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
        await LoadCustomFieldsAsync(id, null, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        Id = id;
        if (ModelState.IsValid)
        {
            var result = await SaveWithCustomFieldsAsync(HttpContext.Actor(), id, cancellationToken);
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

            CopyErrors(result);
        }

        await PrepareAsync(cancellationToken);
        await LoadCustomFieldsAsync(id, Request.Form, cancellationToken);
        return Page();
    }

    /// <summary>The module whose records this form saves, when custom fields can be added to it (ADR 0034).</summary>
    private static string? CustomFieldModule => ReadableModules.All.FirstOrDefault(m => m.Details == typeof(TSaved))?.Key;

    private IRecordCustomFields? Custom => CustomFieldModule is null ? null : HttpContext.RequestServices.GetService<IRecordCustomFields>();

    private async Task LoadCustomFieldsAsync(int? id, IFormCollection? posted, CancellationToken cancellationToken)
    {
        if (Custom is { } custom)
        {
            CustomFields = await custom.EntriesAsync(HttpContext.Actor(), CustomFieldModule!, id, posted, cancellationToken);
        }
    }

    /// <summary>
    /// The save with the posted custom fields, checked as the API checks them and written in the save's
    /// transaction. When a custom field is refused, the module's own checks still speak (so the form
    /// shows every message at once) from a save that is rolled back.
    /// </summary>
    private async Task<Result<TSaved>> SaveWithCustomFieldsAsync(Actor actor, int? id, CancellationToken cancellationToken)
    {
        if (Custom is not { } custom)
        {
            return await SaveAsync(actor, id, Input, cancellationToken);
        }

        var module = CustomFieldModule!;
        var db = HttpContext.RequestServices.GetRequiredService<CrmDb>();
        var plan = await custom.CheckFormAsync(actor, module, id, Request.Form, cancellationToken);
        if (plan.IsOk)
        {
            return await custom.SaveWithAsync(db, plan.Value, module, () => SaveAsync(actor, id, Input, cancellationToken), cancellationToken);
        }

        var errors = new FieldErrors();
        if (db.Database.CurrentTransaction is null)
        {
            Result<TSaved> tried;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                tried = await SaveAsync(actor, id, Input, cancellationToken);
                await transaction.RollbackAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            if (!tried.IsOk && tried.Outcome != Outcome.Invalid)
            {
                return tried;
            }

            Add(errors, tried.Errors);
        }

        Add(errors, plan.Errors);
        return Result<TSaved>.Invalid(errors);

        static void Add(FieldErrors errors, IReadOnlyDictionary<string, string[]> from)
        {
            foreach (var (field, messages) in from)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }
    }

    /// <summary>The save's messages beside their inputs: the module's fields under <c>Input.</c>, the custom fields under their own names.</summary>
    private void CopyErrors(Result result)
    {
        foreach (var (field, messages) in result.Errors)
        {
            var key = field.StartsWith(CustomFieldEntry.Prefix + ".", StringComparison.Ordinal) ? field
                : string.IsNullOrEmpty(field) ? "" : $"Input.{char.ToUpperInvariant(field[0])}{field[1..]}";
            foreach (var message in messages)
            {
                ModelState.AddModelError(key, message);
            }
        }

        if (result.Outcome is not Outcome.Ok and not Outcome.Invalid && result.Message is not null)
        {
            ModelState.AddModelError("", result.Message);
        }
    }
}

/// <summary>
/// One form page per module: a module's <c>Form.cshtml</c> declares <c>@page "/x/{id:int}/edit"</c>,
/// and this convention gives it the second address <c>/x/new</c>, where its id is null. The addresses
/// stay those of the separate New and Edit pages the modules had.
/// </summary>
public sealed class RecordFormRoutes : IPageRouteModelConvention
{
    private const string EditSuffix = "{id:int}/edit";

    public void Apply(PageRouteModel model)
    {
        if (!model.ViewEnginePath.EndsWith("/Form", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var selector in model.Selectors.ToList())
        {
            if (selector.AttributeRouteModel?.Template is { } template && template.EndsWith(EditSuffix, StringComparison.Ordinal))
            {
                model.Selectors.Add(new SelectorModel
                {
                    AttributeRouteModel = new AttributeRouteModel { Template = template[..^EditSuffix.Length] + "new" },
                });
            }
        }
    }
}
