using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Import;

/// <summary>
/// Stops a run before it commits: one still being mapped or checked is simply set aside; one being
/// checked or imported on this instance is stopped and rolled back, so nothing of it is written. An
/// import that has committed cannot be cancelled: it can be undone.
/// </summary>
public sealed class CancelImport(CrmDb db, ImportProgress progress)
{
    public async Task<Result<ImportRun>> RunAsync(Actor actor, int runId, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<ImportRun>.NotFound();
        }

        if (run.Status is ImportStatuses.Imported or ImportStatuses.Undone or ImportStatuses.Undoing)
        {
            return Result<ImportRun>.Conflict("This import has been committed; undo it instead.");
        }

        if (progress.Cancel(run.Id))
        {
            return Result<ImportRun>.Ok(run); // The run rolls back and records itself as cancelled.
        }

        // Not being worked on here: set aside unless an instance has just taken it.
        var status = run.Status;
        var leased = run.Status is ImportStatuses.Checking or ImportStatuses.Importing;
        var cancelled = await db.ImportRuns
            .Where(r => r.Id == run.Id && r.Status == status && (!leased || r.LeaseUntil == null))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatuses.Cancelled)
                .SetProperty(r => r.Message, "Cancelled before it was committed; nothing was written."), cancellationToken);
        return cancelled == 0
            ? Result<ImportRun>.Conflict("Another server is working on this import right now; cancel it again in a moment.")
            : Result<ImportRun>.Ok(await db.ImportRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id, cancellationToken));
    }
}
