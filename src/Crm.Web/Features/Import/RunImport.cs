using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>A row's problem as the importer reads it: the column (or the field, when no column maps to it) and what is wrong.</summary>
public sealed record ImportProblem(string Column, string Message);

/// <summary>
/// Checks or imports a run (what <see cref="ImportWorker"/> calls; ADR 0038). Both do the same thing:
/// every row goes through the module's own save in ONE transaction, as the importer, so the check sees
/// exactly what the import would do (duplicates inside the file included, since earlier rows are in the
/// transaction). The check then rolls back; the import commits only when no row was refused, so it is
/// all or nothing, also when the process dies midway (the transaction dies with it). The audit entries of
/// the records name the importer and carry the import's request ID (<see cref="ImportRuns.RequestIdOf"/>).
/// </summary>
public sealed class RunImport(
    CrmDb db, IServiceProvider services, AuditContext audit, AuditSealer sealer, TimeProvider clock, ImportProgress progress, ImportModules modules,
    RecordLookups lookups, ImportFields importFields, ActivityLog activity, IOptions<ImportOptions> options, ILogger<RunImport> logger)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    // Entries deferred before they are inserted (one COPY on PostgreSQL, one multi-row INSERT on SQLite),
    // and new records whose custom values are read in one query: a batch's worth each, so that what a
    // batch leaves behind is let go with it. Held for ten batches, they lived long enough to reach the
    // GC's oldest generation, and the check's peak memory was 50-80 MB higher for the same speed.
    private const int DeferredEntries = 100;
    private const int CreatedPerRead = 100;

    // Staged saves written by one SaveChanges (ADR 0054): one round trip for them on PostgreSQL.
    private const int StagedPerFlush = 100;

    public async Task RunAsync(int runId, CancellationToken cancellationToken)
    {
        var run = await db.ImportRuns.SingleAsync(r => r.Id == runId, cancellationToken);
        var commit = run.Status == ImportStatuses.Importing;
        var module = modules.Find(run.Module)!;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == run.CreatedById, cancellationToken);
        if (user is null || !user.IsActive)
        {
            await FinishAsync(run, ImportStatuses.Failed, "The importer's account is no longer active; nothing was written.", [], cancellationToken);
            return;
        }

        var actor = new Actor(ActorKind.User, user.Id, user.IsAdministrator, user.FullName);
        audit.ActAs(new AuditWho(AuditActorKinds.User, user.Id, AuditNames.Bound(user.FullName, 200), null, null, null, null, ImportRuns.RequestIdOf(run.Id)));

        var content = await db.ImportFiles.Where(f => f.RunId == run.Id).Select(f => f.Content).SingleOrDefaultAsync(cancellationToken);
        if (content is null)
        {
            await FinishAsync(run, ImportStatuses.Failed, PruneImportFiles.Gone(options.Value), [], cancellationToken);
            return;
        }

        var (sheet, problem) = ImportSheets.Read(content, run.FileKind, options.Value.MaxRows);
        if (sheet is null)
        {
            await FinishAsync(run, ImportStatuses.Failed, problem, [], cancellationToken);
            return;
        }

        var rows = run.RowLimit is { } limit ? sheet.Rows.Take(limit).ToList() : sheet.Rows;
        var plan = ImportPlan.Of(run, sheet, module, await importFields.EditableAsync(actor, module, cancellationToken));
        var cancel = progress.Start(run.Id, rows.Count, clock.GetUtcNow().UtcDateTime, cancellationToken);
        try
        {
            var users = await UsersByEmailAsync(plan, rows, cancellationToken);
            var matches = await MatchesAsync(actor, module, plan, rows, cancellationToken);
            List<ImportRow> results;
            try
            {
                results = await WriteAsync(run, actor, module, plan, rows, users, matches, module.StagesCreates, cancel, cancellationToken);
            }
            catch (DbUpdateException e) when (module.StagesCreates)
            {
                // A constraint refused a flush of staged rows: two rows of the file passed a check by query that
                // neither could see the other in (the same product code). The run starts over with each row
                // written at its save, so the row that breaks it is refused as its save refuses it (ADR 0054).
                logger.LogInformation(e, "Import {RunId}: a constraint refused a batch of staged rows; checking the file again row by row", run.Id);
                db.ChangeTracker.Clear();
                progress.Rewind(run.Id);
                results = await WriteAsync(run, actor, module, plan, rows, users, matches, stage: false, cancel, cancellationToken);
            }

            db.ChangeTracker.Clear();
            var failed = results.Count(r => r.Outcome == ImportRowOutcomes.Error);
            var status = !commit ? ImportStatuses.Checked : failed == 0 ? ImportStatuses.Imported : ImportStatuses.Failed;
            var message = commit && failed > 0 ? $"{failed:N0} rows were refused, so nothing was imported. Fix them and check the file again." : null;
            if (status != ImportStatuses.Imported)
            {
                // An import that committed finished with its rows (WriteAsync).
                await FinishAsync(run, status, message, results, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            await FinishAsync(run, ImportStatuses.Cancelled, "Cancelled before it was committed; nothing was written.", [], CancellationToken.None);
        }
#pragma warning disable CA1031 // An error no row explains (the database gone away, a defect) ends the run as failed, rolled back, instead of being retried for ever.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Import {RunId} into {Module} stopped on an unexpected error; it was rolled back", run.Id, run.Module);
            db.ChangeTracker.Clear();
            await FinishAsync(run, ImportStatuses.Failed, "The import stopped on an unexpected error and was rolled back: nothing was written. The error is in the server's log.", [], CancellationToken.None);
        }
        finally
        {
            progress.End(run.Id);
        }
    }

    /// <summary>
    /// Every row through the module's save in one transaction, committed when the run imports and no row
    /// was refused, else rolled back; the rows' outcomes. With <paramref name="stage"/> new records are
    /// staged and written a batch at a time (<see cref="StagedCreates"/>).
    /// </summary>
    private async Task<List<ImportRow>> WriteAsync(
        ImportRun run, Actor actor, IRecordImport module, ImportPlan plan, IReadOnlyList<(int Number, string?[] Cells)> rows,
        IReadOnlyDictionary<string, Guid> users, IReadOnlyDictionary<string, List<int>> matches, bool stage, CancellationToken cancel, CancellationToken cancellationToken)
    {
        var commit = run.Status == ImportStatuses.Importing;
        var results = new List<ImportRow>(rows.Count);
        // SQLite: the transaction takes the write lock for the whole import (other writers wait);
        // PostgreSQL: other writers go on, and see nothing of it until it commits.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A refused row or an error rolls the whole transaction back, so EF's savepoint around each
        // save would undo nothing the rollback does not: it would only cost two round trips per save
        // on PostgreSQL (ADR 0053).
        db.Database.AutoSavepointsEnabled = false;
        // The owners the rows name are read once for the run and held until it ends (ADR 0053).
        using var owners = Owners.HoldFactsInTransaction(db);
        // The audit entries of created records go in multi-row INSERTs, in this transaction, instead of
        // one INSERT after each row's save (ADR 0053); the check inserts them too, so it fails where the import would.
        using var entries = audit.DeferInserts();
        using var staging = stage ? StagedCreates.Begin(db) : null;
        try
        {
            var keyed = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var created = new List<(ImportRow Row, JsonObject Values)>();
            foreach (var (number, cells) in rows)
            {
                cancel.ThrowIfCancellationRequested();
                results.Add(await RowAsync(actor, module, plan, number, cells, users, matches, keyed, created, staging, cancel));
                progress.Advance(run.Id);
                if (staging is null || staging.Count >= StagedPerFlush)
                {
                    await FlushAsync(actor, module, plan, staging, created, end: false, cancel);
                }
            }

            await FlushAsync(actor, module, plan, staging, created, end: true, cancel);
            if (commit && results.TrueForAll(r => r.Outcome != ImportRowOutcomes.Error))
            {
                activity.Record(actor, "import", $"Imported {module.Definition.Title.ToLowerInvariant()} from {run.FileName}: {Count(results, ImportRowOutcomes.Create)} created, {Count(results, ImportRowOutcomes.Update)} updated (import {run.Id}).");
                await db.SaveChangesAsync(cancellationToken);
                await AuditCapture.InsertDeferredAsync(db, audit, sealer, cancellationToken);
                // The run is marked imported in the same transaction: a process killed after this commit
                // leaves no run to take over and import a second time.
                await FinishAsync(run, ImportStatuses.Imported, null, results, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }

            return results;
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
        }
    }

    /// <summary>
    /// After a row (unstaged) or a batch of rows (staged): the staged rows written and the change tracker
    /// emptied, so the next rows start clean and a long import does not slow down; the deferred audit
    /// entries inserted and the new records' custom values read once enough wait, and at the end.
    /// </summary>
    private async Task FlushAsync(Actor actor, IRecordImport module, ImportPlan plan, StagedCreates? staging, List<(ImportRow Row, JsonObject Values)> created, bool end, CancellationToken cancellationToken)
    {
        if (staging is not null)
        {
            await staging.FlushAsync(cancellationToken);
        }
        else
        {
            db.ChangeTracker.Clear();
        }

        if (end || audit.DeferredCount >= DeferredEntries)
        {
            await AuditCapture.InsertDeferredAsync(db, audit, sealer, cancellationToken);
        }

        if (end || created.Count >= CreatedPerRead)
        {
            await CreatedChangesAsync(actor, module, plan, created, cancellationToken);
        }
    }

    /// <summary>
    /// The old → new of the records created since the last call, with their custom values read in one query
    /// instead of one per row. Exact: no later row of the run can change a record the run created (a file
    /// names a record once), so its values read now are those its own save left.
    /// </summary>
    private async Task CreatedChangesAsync(Actor actor, IRecordImport module, ImportPlan plan, List<(ImportRow Row, JsonObject Values)> created, CancellationToken cancellationToken)
    {
        if (created.Count == 0)
        {
            return;
        }

        var custom = await module.CustomValuesAsync(services, actor, created.Select(c => c.Row.RecordId!.Value).ToList(), cancellationToken);
        foreach (var (row, values) in created)
        {
            foreach (var (key, value) in custom[row.RecordId!.Value])
            {
                values[key] = value?.DeepClone();
            }

            row.Changes = Changes(plan, null, values);
        }

        created.Clear();
    }

    private static string Changes(ImportPlan plan, JsonObject? before, JsonObject values)
    {
        var changes = new JsonObject();
        foreach (var field in plan.Fields)
        {
            var old = before?[field]?.DeepClone();
            var now = values[field]?.DeepClone();
            if (before is null ? now is not null : !JsonNode.DeepEquals(old, now))
            {
                changes[field] = new JsonArray(old, now);
            }
        }

        return changes.ToJsonString();
    }

    private async Task<ImportRow> RowAsync(
        Actor actor, IRecordImport module, ImportPlan plan, int number, string?[] cells,
        IReadOnlyDictionary<string, Guid> users, IReadOnlyDictionary<string, List<int>> matches, Dictionary<string, int> keyed,
        List<(ImportRow Row, JsonObject Values)> created, StagedCreates? staging, CancellationToken cancellationToken)
    {
        var row = new ImportRow { Row = number };
        var problems = new List<ImportProblem>();
        var values = plan.Values(cells, users, problems);

        // Which record the row is about: none (create), or the one its key names.
        int? id = null;
        var key = plan.KeyColumn is { } k ? cells[k] : null;
        if (plan.Mode != ImportModes.Create)
        {
            if (key is null)
            {
                if (plan.Mode == ImportModes.Update)
                {
                    problems.Add(new ImportProblem(plan.KeyHeader!, "Empty: an update needs the key of the record to change."));
                }
            }
            else if (keyed.TryGetValue(key, out var earlier))
            {
                problems.Add(new ImportProblem(plan.KeyHeader!, $"Row {earlier} has the same {plan.KeyLabel}; a file may name a record once."));
            }
            else if (plan.MatchKey == "id")
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var given) || given <= 0)
                {
                    problems.Add(new ImportProblem(plan.KeyHeader!, "Not a record ID (a whole number)."));
                }
                else
                {
                    id = given;
                }
            }
            else if (matches.GetValueOrDefault(key.ToLowerInvariant()) is { } found)
            {
                if (found.Count > 1)
                {
                    problems.Add(new ImportProblem(plan.KeyHeader!, $"{found.Count} records you can see have this {plan.KeyLabel}; use the record ID instead."));
                }
                else
                {
                    id = found[0];
                }
            }
            else if (plan.Mode == ImportModes.Update)
            {
                problems.Add(new ImportProblem(plan.KeyHeader!, $"No record you can see has this {plan.KeyLabel}."));
            }

            if (key is not null)
            {
                keyed.TryAdd(key, number);
            }
        }

        if (problems.Count > 0)
        {
            return Refused(row, problems);
        }

        JsonObject? before = null;
        if (id is not null)
        {
            // An update reads and writes the database as it is: the rows staged before it are written first.
            if (staging is not null)
            {
                await staging.FlushAsync(cancellationToken);
            }

            before = await module.ReadAsync(services, actor, id.Value, cancellationToken);
            if (before is null)
            {
                return Refused(row, [new ImportProblem(plan.KeyHeader!, $"Record {id} does not exist or is not visible to you.")]);
            }

            // A row that would change nothing writes nothing: no new version, no history line.
            if (values.All(v => JsonNode.DeepEquals(v.Value, before[v.Key])))
            {
                row.Outcome = ImportRowOutcomes.Unchanged;
                row.RecordId = id;
                return row;
            }

            values["version"] = before["version"]?.DeepClone();
        }

        var saved = await module.SaveAsync(services, actor, id, values, cancellationToken, customValuesLater: true);
        if (!saved.IsOk)
        {
            var refused = saved.Errors.Count > 0
                ? saved.Errors.SelectMany(e => e.Value.Select(m => new ImportProblem(plan.ColumnOf(e.Key), m))).ToList()
                : [new ImportProblem(plan.KeyHeader ?? "", saved.Message ?? "Refused.")];
            return Refused(row, refused);
        }

        row.RecordId = saved.Value!.Id;
        row.VersionAfter = saved.Value.Values["version"]?.GetValue<int>();
        row.Outcome = id is null ? ImportRowOutcomes.Create : ImportRowOutcomes.Update;
        if (id is null)
        {
            // Its custom values are read with those of other new records (CreatedChangesAsync).
            created.Add((row, saved.Value.Values));
        }
        else
        {
            row.Changes = Changes(plan, before, saved.Value.Values);
        }

        if (id is null && key is not null)
        {
            keyed[key] = number;
        }

        return row;
    }

    private static ImportRow Refused(ImportRow row, List<ImportProblem> problems)
    {
        row.Outcome = ImportRowOutcomes.Error;
        row.Errors = JsonSerializer.Serialize(problems, s_json);
        return row;
    }

    /// <summary>Every owner or responsible person the file names, by email, among active users: one query, not one per row.</summary>
    private async Task<IReadOnlyDictionary<string, Guid>> UsersByEmailAsync(ImportPlan plan, IReadOnlyList<(int, string?[] Cells)> rows, CancellationToken cancellationToken)
    {
        var emails = plan.UserColumns.SelectMany(c => rows.Select(r => r.Cells[c]))
            .Where(v => v is not null).SelectMany(v => ImportPlan.Emails(v!)).Select(e => e.ToUpperInvariant()).Distinct().ToList();
        var found = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var chunk in emails.Chunk(500))
        {
            foreach (var user in await db.Users.AsNoTracking().Where(u => u.IsActive && chunk.Contains(u.NormalizedEmail!)).Select(u => new { u.NormalizedEmail, u.Id }).ToListAsync(cancellationToken))
            {
                found[user.NormalizedEmail!] = user.Id;
            }
        }

        return found;
    }

    /// <summary>The records each key value of the file names, among those the importer may view (a record out of sight is as if it did not exist).</summary>
    private async Task<IReadOnlyDictionary<string, List<int>>> MatchesAsync(Actor actor, IRecordImport module, ImportPlan plan, IReadOnlyList<(int, string?[] Cells)> rows, CancellationToken cancellationToken)
    {
        if (plan.Mode == ImportModes.Create || plan.MatchKey is null or "id" || plan.KeyColumn is not { } column)
        {
            return new Dictionary<string, List<int>>();
        }

        var values = rows.Select(r => r.Cells[column]).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = await module.FindAsync(db, plan.MatchKey, values, cancellationToken);
        var visible = found.Count == 0 ? new HashSet<int>() : await lookups.PermittedAsync(actor, module.Definition.Key, PermissionAction.View, found.Select(f => f.Id).Distinct().ToList(), cancellationToken);
        return found.Where(f => visible.Contains(f.Id))
            .GroupBy(f => f.Value.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.Select(f => f.Id).Distinct().ToList());
    }

    /// <summary>
    /// Writes the outcome and the rows' results (replacing an earlier check's): inside the import's
    /// transaction when it commits, else in a transaction of its own, after the rolled-back one.
    /// </summary>
    private async Task FinishAsync(ImportRun run, string status, string? message, List<ImportRow> results, CancellationToken cancellationToken)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await db.ImportRows.Where(r => r.RunId == run.Id).ExecuteDeleteAsync(cancellationToken);
        // A hundred rows per INSERT (RowInserts): EF would send one statement per row on SQLite, as many
        // statements as the file has rows. Work records, not audited (ADR 0053).
        foreach (var row in results)
        {
            row.RunId = run.Id;
        }

        await RowInserts.InsertAsync(db, "ImportRows", ["RunId", "Row", "Outcome", "RecordId", "VersionAfter", "Changes", "Errors"], results,
            row => [row.RunId, row.Row, row.Outcome, row.RecordId, row.VersionAfter, row.Changes, row.Errors], cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        await db.ImportRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Message, message)
            .SetProperty(r => r.RowCount, results.Count)
            .SetProperty(r => r.Created, Count(results, ImportRowOutcomes.Create))
            .SetProperty(r => r.Updated, Count(results, ImportRowOutcomes.Update))
            .SetProperty(r => r.Unchanged, Count(results, ImportRowOutcomes.Unchanged))
            .SetProperty(r => r.Failed, Count(results, ImportRowOutcomes.Error))
            .SetProperty(r => r.CheckedAt, r => status == ImportStatuses.Checked ? now : r.CheckedAt)
            .SetProperty(r => r.ImportedAt, r => status == ImportStatuses.Imported ? now : r.ImportedAt)
            .SetProperty(r => r.LeaseUntil, (DateTime?)null), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (status == ImportStatuses.Failed && message is not null)
        {
            logger.LogInformation("Import {RunId} into {Module} failed: {Reason}", run.Id, run.Module, message);
        }
    }

    private static int Count(List<ImportRow> rows, string outcome) => rows.Count(r => r.Outcome == outcome);
}
