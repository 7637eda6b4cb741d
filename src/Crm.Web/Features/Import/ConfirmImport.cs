using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Import;

/// <summary>
/// Imports a checked run for real, in the background: the rows go through the saves again (the data
/// may have changed since the check) in one transaction, committed only if none is refused. One import
/// or undo at a time per module, so two files never race over the same records. An administrator may
/// import without automation: the import's and its undo's changes then set off no rule and no webhook.
/// </summary>
public sealed class ConfirmImport(CrmDb db, RecordAccess access, ImportModules modules, ImportWorker worker, TimeProvider clock)
{
    public const string SkipAutomationRefused = "Only an administrator may import without automation rules and webhooks.";

    public async Task<Result<ImportRun>> RunAsync(Actor actor, int runId, CancellationToken cancellationToken, bool skipAutomation = false)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<ImportRun>.NotFound();
        }

        if (await ImportRights.RefusalAsync(access, actor, modules.Find(run.Module)!, cancellationToken) is { } refusal)
        {
            return Result<ImportRun>.Forbidden(refusal);
        }

        if (run.Status != ImportStatuses.Checked)
        {
            return Result<ImportRun>.Conflict(run.Status == ImportStatuses.Imported ? "This file has been imported." : "Check the file first (the dry run), then confirm.");
        }

        if (run.Failed > 0)
        {
            return Result<ImportRun>.Conflict($"The check refused {run.Failed:N0} rows. Fix them in the file and upload it again, or change the mapping and check again: an import is all or nothing.");
        }

        if (skipAutomation && !actor.IsAdministrator)
        {
            return Result<ImportRun>.Invalid("skipAutomation", SkipAutomationRefused);
        }

        // The choice and the start commit together: a worker never takes the run before its records are known to be quiet.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var busy = ImportStatuses.Importing;
        var undoing = ImportStatuses.Undoing;
        var started = await db.ImportRuns
            .Where(r => r.Id == run.Id && r.Status == ImportStatuses.Checked
                && !db.ImportRuns.Any(o => o.Module == run.Module && (o.Status == busy || o.Status == undoing)))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatuses.Importing).SetProperty(r => r.LeaseUntil, (DateTime?)null)
                .SetProperty(r => r.SkipAutomation, skipAutomation), cancellationToken);
        if (started == 0)
        {
            return Result<ImportRun>.Conflict($"Another import into {run.Module} is running; confirm this one when it has finished.");
        }

        await QuietRequest.SetAsync(db, [ImportRuns.RequestIdOf(run.Id), ImportRuns.RequestIdOf(run.Id) + UndoImport.RequestSuffix], skipAutomation, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        worker.Wake();
        return Result<ImportRun>.Ok(await db.ImportRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id, cancellationToken));
    }
}
