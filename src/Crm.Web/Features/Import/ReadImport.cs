using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>Where an import in progress stands on the instance running it: rows done of how many, and when it should be done.</summary>
public sealed record ImportProgressView(int Done, int Total, DateTime? EstimatedEnd);

/// <summary>One import as its page and the API show it.</summary>
public sealed record ImportView(
    int Id, string Module, string ModuleTitle, string FileName, string FileKind, IReadOnlyList<string> Headers,
    IReadOnlyDictionary<string, string?> Mapping, string Mode, string? MatchKey, bool IgnoreUnmapped, int? RowLimit,
    string Status, string? Message, int RowCount, int Created, int Updated, int Unchanged, int Failed,
    ImportProgressView? Progress, string CreatedBy, DateTime CreatedAt, DateTime? CheckedAt, DateTime? ImportedAt, DateTime? UndoneAt,
    DateTime? UndoUntil, IReadOnlyList<ImportField> Fields, IReadOnlyList<string> MatchKeys, bool SkipAutomation);

/// <summary>One row's outcome: created or updated which record with which changes (field → [old, new]), or its problems; after an undo, what became of it.</summary>
public sealed record ImportRowView(int Row, string Outcome, int? RecordId, JsonObject? Changes, IReadOnlyList<ImportProblem> Problems, string? UndoNote);

public sealed record ImportRowPage(IReadOnlyList<ImportRowView> Rows, int? NextAfterRow);

/// <summary>An import in the list of imports.</summary>
public sealed record ImportListItem(int Id, string Module, string FileName, string Status, int RowCount, int Created, int Updated, int Failed, string CreatedBy, DateTime CreatedAt);

/// <summary>
/// Reads imports: the list (an administrator sees everyone's, anyone else their own), one import with
/// its progress, its rows' outcomes page by page, and the refused rows as a file to fix and upload again.
/// </summary>
public sealed class ReadImport(CrmDb db, ImportFields importFields, ImportModules modules, ImportProgress progress, TimeProvider clock, IOptions<ImportOptions> options)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<ImportListItem>> ListAsync(Actor actor, int? beforeId, int take, CancellationToken cancellationToken) =>
        await db.ImportRuns.AsNoTracking()
            .Where(r => (actor.IsAdministrator || r.CreatedById == actor.UserId) && (beforeId == null || r.Id < beforeId))
            .OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 200))
            .Select(r => new ImportListItem(r.Id, r.Module, r.FileName, r.Status, r.RowCount, r.Created, r.Updated, r.Failed,
                db.Users.Where(u => u.Id == r.CreatedById).Select(u => u.FullName).FirstOrDefault() ?? "", r.CreatedAt))
            .ToListAsync(cancellationToken);

    public async Task<Result<ImportView>> RunAsync(Actor actor, int runId, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<ImportView>.NotFound();
        }

        var module = modules.Find(run.Module)!;
        var fields = await importFields.EditableAsync(actor, module, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var running = progress.Of(run.Id, now) is { } p ? new ImportProgressView(p.Done, p.Total, p.Estimate) : null;
        var by = await db.Users.Where(u => u.Id == run.CreatedById).Select(u => u.FullName).SingleOrDefaultAsync(cancellationToken) ?? "";
        return Result<ImportView>.Ok(new ImportView(
            run.Id, run.Module, module.Definition.Title, run.FileName, run.FileKind, JsonSerializer.Deserialize<List<string>>(run.Headers)!,
            ImportPlan.Mapping(run.Mapping), run.Mode, run.MatchKey, run.IgnoreUnmapped, run.RowLimit,
            run.Status, run.Message, run.RowCount, run.Created, run.Updated, run.Unchanged, run.Failed, running, by,
            run.CreatedAt, run.CheckedAt, run.ImportedAt, run.UndoneAt,
            run.Status == ImportStatuses.Imported ? run.ImportedAt!.Value.AddDays(options.Value.UndoDays) : null,
            fields, module.MatchKeys, run.SkipAutomation));
    }

    /// <summary>The rows after row <paramref name="afterRow"/>, in file order; only those with <paramref name="outcome"/> when given.</summary>
    public async Task<Result<ImportRowPage>> RowsAsync(Actor actor, int runId, string? outcome, int? afterRow, int? pageSize, CancellationToken cancellationToken)
    {
        if (await ImportRuns.FindAsync(db, actor, runId, cancellationToken) is null)
        {
            return Result<ImportRowPage>.NotFound();
        }

        var take = Math.Clamp(pageSize ?? 50, 1, 500);
        var rows = await db.ImportRows.AsNoTracking()
            .Where(r => r.RunId == runId && (outcome == null || r.Outcome == outcome) && (afterRow == null || r.Row > afterRow))
            .OrderBy(r => r.Row).Take(take + 1).ToListAsync(cancellationToken);
        var page = rows.Take(take).Select(View).ToList();
        return Result<ImportRowPage>.Ok(new ImportRowPage(page, rows.Count > take ? page[^1].Row : null));
    }

    /// <summary>The refused rows as the file had them, with a last column saying what is wrong: fix it and upload it again.</summary>
    public async Task<Result<TableExport>> FailedRowsAsync(Actor actor, int runId, string? format, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<TableExport>.NotFound();
        }

        if (ListExports.ParseFormat(format) is not { } parsed)
        {
            return Result<TableExport>.Invalid("format", "Format is \"csv\" or \"xlsx\".");
        }

        var failed = await db.ImportRows.AsNoTracking().Where(r => r.RunId == runId && r.Outcome == ImportRowOutcomes.Error)
            .OrderBy(r => r.Row).Select(r => new { r.Row, r.Errors }).ToListAsync(cancellationToken);
        var content = await db.ImportFiles.Where(f => f.RunId == runId).Select(f => f.Content).SingleOrDefaultAsync(cancellationToken);
        var (sheet, _) = content is null ? (null, null) : ImportSheets.Read(content, run.FileKind, options.Value.MaxRows);
        if (sheet is null)
        {
            return Result<TableExport>.Conflict(PruneImportFiles.Gone(options.Value));
        }

        var byNumber = sheet.Rows.ToDictionary(r => r.Number, r => r.Cells);
        var problems = failed.ToDictionary(f => f.Row, f => Problems(f.Errors));
        var rows = failed.Where(f => byNumber.ContainsKey(f.Row))
            .Select(f => (IReadOnlyList<string?>)[.. byNumber[f.Row], string.Join(" ", problems[f.Row].Select(p => $"{p.Column}: {p.Message}"))])
            .ToList();
        var name = Path.GetFileNameWithoutExtension(run.FileName) + "-refused-rows";
        return Result<TableExport>.Ok(new TableExport(name, [.. sheet.Headers, "Errors"], _ => rows.ToAsyncEnumerable()) { Format = parsed });
    }

    private static ImportRowView View(ImportRow row) => new(
        row.Row, row.Outcome, row.RecordId, row.Changes is null ? null : JsonNode.Parse(row.Changes)!.AsObject(), Problems(row.Errors), row.UndoNote);

    private static List<ImportProblem> Problems(string? errors) =>
        errors is null ? [] : JsonSerializer.Deserialize<List<ImportProblem>>(errors, s_json) ?? [];
}
