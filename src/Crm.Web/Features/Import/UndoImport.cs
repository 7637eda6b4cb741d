using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>
/// Reverts an import within <see cref="ImportOptions.UndoDays"/>: the records it created are deleted and
/// those it updated get back the values the import replaced (only those fields). A record someone
/// changed since the import is left as it is, with the reason on its row, and so is a created record
/// something now depends on; every other record is reverted through its module's own delete and save,
/// as the person who asked for the undo, each with its history line. The importer or an administrator
/// may ask; it runs in the background like the import.
/// </summary>
public sealed class UndoImport(
    CrmDb db, IServiceProvider services, AuditContext audit, TimeProvider clock, ImportModules modules, ImportWorker worker,
    ActivityLog activity, IOptions<ImportOptions> options)
{
    /// <summary>The undo's changes carry the import's request ID with this suffix, so history tells the two apart.</summary>
    public const string RequestSuffix = "-undo";

    public async Task<Result<ImportRun>> RequestAsync(Actor actor, int runId, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<ImportRun>.NotFound();
        }

        if (actor.IsPreview)
        {
            return Result<ImportRun>.Forbidden(RecordEditing.PreviewRefused);
        }

        if (run.Status != ImportStatuses.Imported)
        {
            return Result<ImportRun>.Conflict(run.Status == ImportStatuses.Undone ? "This import has already been undone." : "Only a completed import can be undone.");
        }

        var until = run.ImportedAt!.Value.AddDays(options.Value.UndoDays);
        if (clock.GetUtcNow().UtcDateTime > until)
        {
            return Result<ImportRun>.Conflict($"An import can be undone for {options.Value.UndoDays} days; this one could be until {until:yyyy-MM-dd HH:mm} UTC.");
        }

        var started = await db.ImportRuns
            .Where(r => r.Id == run.Id && r.Status == ImportStatuses.Imported)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatuses.Undoing).SetProperty(r => r.UndoneById, actor.UserId), cancellationToken);
        if (started == 0)
        {
            return Result<ImportRun>.Conflict("This import is already being undone.");
        }

        worker.Wake();
        return Result<ImportRun>.Ok(await db.ImportRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id, cancellationToken));
    }

    /// <summary>The undo itself, for <see cref="ImportWorker"/>: newest row first, so a record is reverted before one it was created after.</summary>
    public async Task RunAsync(int runId, CancellationToken cancellationToken)
    {
        var run = await db.ImportRuns.AsNoTracking().SingleAsync(r => r.Id == runId, cancellationToken);
        var module = modules.Find(run.Module)!;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == run.UndoneById, cancellationToken);
        if (user is null || !user.IsActive)
        {
            await db.ImportRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, ImportStatuses.Imported).SetProperty(r => r.LeaseUntil, (DateTime?)null)
                .SetProperty(r => r.Message, "The undo was not run: the account that asked for it is no longer active."), cancellationToken);
            return;
        }

        var actor = new Actor(ActorKind.User, user.Id, user.IsAdministrator, user.FullName);
        audit.ActAs(new AuditWho(AuditActorKinds.User, user.Id, AuditNames.Bound(user.FullName, 200), null, null, null, null, ImportRuns.RequestIdOf(run.Id) + RequestSuffix));
        var (reverted, seen) = (0, 0);
        // A thousand rows at a time, from the last: a 100,000-row import's rows with their changes would
        // otherwise all be held for the whole undo.
        for (var before = int.MaxValue; ;)
        {
            var rows = await db.ImportRows.AsNoTracking()
                .Where(r => r.RunId == runId && r.Row < before && (r.Outcome == ImportRowOutcomes.Create || r.Outcome == ImportRowOutcomes.Update) && r.UndoNote == null)
                .OrderByDescending(r => r.Row).Take(RowsPerRead).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                var note = await RevertAsync(actor, module, row, cancellationToken);
                db.ChangeTracker.Clear();
                reverted += note == Undone ? 1 : 0;
                await db.ImportRows.Where(r => r.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.UndoNote, note), cancellationToken);
            }

            seen += rows.Count;
            if (rows.Count < RowsPerRead)
            {
                break;
            }

            before = rows[^1].Row;
        }

        var left = seen - reverted;
        activity.Record(actor, "import", $"Undid the import {run.Id} of {module.Definition.Title.ToLowerInvariant()} from {run.FileName}: {reverted} records reverted" + (left > 0 ? $", {left} left as they are." : "."));
        await db.SaveChangesAsync(cancellationToken);
        await db.ImportRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, ImportStatuses.Undone)
            .SetProperty(r => r.UndoneAt, clock.GetUtcNow().UtcDateTime)
            .SetProperty(r => r.Message, left > 0 ? $"{left} records were left as they are; their rows say why." : null)
            .SetProperty(r => r.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    public const string Undone = "Undone.";

    private const int RowsPerRead = 1000;

    private async Task<string> RevertAsync(Actor actor, IRecordImport module, ImportRow row, CancellationToken cancellationToken)
    {
        var id = row.RecordId!.Value;
        var current = await module.ReadAsync(services, actor, id, cancellationToken);
        if (current is null)
        {
            return "Left as it is: it no longer exists or you may not view it.";
        }

        if (current["version"]?.GetValue<int>() != row.VersionAfter)
        {
            return "Left as it is: it was changed after the import.";
        }

        if (row.Outcome == ImportRowOutcomes.Create)
        {
            return await module.DeleteAsync(services, actor, id, cancellationToken) is { } refusal ? "Left as it is: " + refusal : Undone;
        }

        var values = new JsonObject();
        foreach (var (field, change) in JsonNode.Parse(row.Changes ?? "{}")!.AsObject())
        {
            values[field] = change![0]?.DeepClone();
        }

        values["version"] = row.VersionAfter;
        var saved = await module.SaveAsync(services, actor, id, values, cancellationToken);
        return saved.IsOk ? Undone
            : "Left as it is: " + (saved.Errors.Count > 0 ? string.Join(" ", saved.Errors.SelectMany(e => e.Value)) : saved.Message);
    }
}
