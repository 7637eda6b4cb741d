using System.ComponentModel.DataAnnotations;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Import;

/// <summary>
/// <c>/import/{id}</c>: the rest of the wizard for one import: the mapping and mode, the dry run's
/// result row by row, Confirm, the progress while it runs (the page reloads itself), and Undo.
/// </summary>
public sealed class ImportRunPage(ReadImport read, CheckImport check, ConfirmImport confirm, CancelImport cancel, UndoImport undo) : PageModel
{
    /// <summary>How many rows of each kind the page lists; the API and the refused-rows file have them all.</summary>
    public const int RowsShown = 100;

    /// <summary>How many created or updated rows the page shows as a sample of what the import does.</summary>
    public const int ChangesShown = 20;

    public ImportView Run { get; private set; } = null!;

    public IReadOnlyList<ImportRowView> Refused { get; private set; } = [];

    public IReadOnlyList<ImportRowView> Changes { get; private set; } = [];

    /// <summary>The target of each of the file's columns, in the file's order ("" = ignored, "id" = record IDs).</summary>
    [BindProperty]
    public List<string?> Targets { get; set; } = [];

    [BindProperty, Display(Name = "Mode")]
    public string? Mode { get; set; }

    [BindProperty, Display(Name = "Match records on")]
    public string? MatchKey { get; set; }

    [BindProperty, Display(Name = "Ignore the columns mapped to nothing")]
    public bool IgnoreUnmapped { get; set; }

    [BindProperty, Display(Name = "Import the first 10 rows only (a trial)")]
    public bool TrialOnly { get; set; }

    public bool CanEditMapping => Run.ImportedAt is null && Run.Status is ImportStatuses.Mapping or ImportStatuses.Checked or ImportStatuses.Failed or ImportStatuses.Cancelled;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Targets = [.. Run.Headers.Select(h => Run.Mapping.GetValueOrDefault(h))];
        Mode = Run.Mode;
        MatchKey = Run.MatchKey;
        IgnoreUnmapped = Run.IgnoreUnmapped;
        TrialOnly = Run.RowLimit is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var mapping = Run.Headers.Select((h, i) => (h, i)).Where(c => c.h.Length > 0)
            .ToDictionary(c => c.h, c => c.i < Targets.Count && !string.IsNullOrEmpty(Targets[c.i]) ? Targets[c.i] : null);
        var result = await check.RunAsync(HttpContext.Actor(), id, new ImportChoices(mapping, Mode, string.IsNullOrEmpty(MatchKey) ? null : MatchKey, IgnoreUnmapped, TrialOnly ? CheckImport.TrialRows : null), cancellationToken);
        return await AfterAsync(id, result, cancellationToken);
    }

    /// <summary>Only an administrator is offered the import without automation (<see cref="ConfirmImport"/> checks it again).</summary>
    public bool MayImportWithoutAutomation => HttpContext.Actor().IsAdministrator;

    public async Task<IActionResult> OnPostConfirmAsync(int id, bool skipAutomation, CancellationToken cancellationToken) =>
        await AfterAsync(id, await confirm.RunAsync(HttpContext.Actor(), id, cancellationToken, skipAutomation), cancellationToken);

    public async Task<IActionResult> OnPostCancelAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await cancel.RunAsync(HttpContext.Actor(), id, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostUndoAsync(int id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await undo.RequestAsync(HttpContext.Actor(), id, cancellationToken), cancellationToken);

    /// <summary>Back to the page after a step; its messages on the page when it was refused.</summary>
    private async Task<IActionResult> AfterAsync(int id, Result<ImportRun> result, CancellationToken cancellationToken)
    {
        if (result.IsOk)
        {
            return LocalRedirect($"/import/{id}");
        }

        if (result.Outcome == Outcome.NotFound || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (result.Errors.Count == 0)
        {
            ModelState.AddModelError("", result.Message!);
        }

        foreach (var (field, messages) in result.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field switch
                {
                    "mode" => nameof(Mode),
                    "matchKey" => nameof(MatchKey),
                    "ignoreUnmapped" => nameof(IgnoreUnmapped),
                    "rowLimit" => nameof(TrialOnly),
                    _ => "",
                }, message);
            }
        }

        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var run = await read.RunAsync(actor, id, cancellationToken);
        if (!run.IsOk)
        {
            return false;
        }

        Run = run.Value!;
        if (ImportStatuses.IsRunning(Run.Status))
        {
            ViewData["RefreshSeconds"] = 2;
        }

        Refused = Run.Failed == 0 ? [] : (await read.RowsAsync(actor, id, ImportRowOutcomes.Error, null, RowsShown, cancellationToken)).Value!.Rows;
        Changes = [.. (await read.RowsAsync(actor, id, null, null, RowsShown, cancellationToken)).Value!.Rows
            .Where(r => r.Outcome is ImportRowOutcomes.Create or ImportRowOutcomes.Update).Take(ChangesShown)];
        return true;
    }
}
