using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>What the importer chose for a run: which column fills which field, the mode, the key an update matches on, and whether to try the first rows only.</summary>
public sealed record ImportChoices(
    IReadOnlyDictionary<string, string?>? Mapping, string? Mode, string? MatchKey, bool IgnoreUnmapped = false, int? RowLimit = null);

/// <summary>
/// Sets a run's mapping and mode and starts its dry run (in the background): every row through the
/// module's save, rolled back, so the importer sees row by row what would be created, what would change
/// (old → new) and what is refused, before anything is written. The mapping is remembered for the
/// module's next import. Refused: a column left unmapped without the importer's confirmation, a field
/// mapped twice or one the importer's role may not set, an update without a key to match on.
/// </summary>
public sealed class CheckImport(CrmDb db, RecordAccess access, ImportModules modules, ImportFields importFields, ImportWorker worker, TimeProvider clock, IOptions<ImportOptions> options)
{
    /// <summary>How many rows a trial imports.</summary>
    public const int TrialRows = 10;

    public async Task<Result<ImportRun>> RunAsync(Actor actor, int runId, ImportChoices choices, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.FindAsync(db, actor, runId, cancellationToken);
        if (run is null)
        {
            return Result<ImportRun>.NotFound();
        }

        var module = modules.Find(run.Module)!;
        if (await ImportRights.RefusalAsync(access, actor, module, cancellationToken) is { } refusal)
        {
            return Result<ImportRun>.Forbidden(refusal);
        }

        if (run.Status is not (ImportStatuses.Mapping or ImportStatuses.Checked or ImportStatuses.Failed or ImportStatuses.Cancelled) || run.ImportedAt is not null)
        {
            return Result<ImportRun>.Conflict(ImportStatuses.IsRunning(run.Status)
                ? "This import is being checked or imported; wait for it to finish."
                : "This import has been imported; upload the file again to import it once more.");
        }

        var headers = JsonSerializer.Deserialize<List<string>>(run.Headers)!;
        var mapping = (choices.Mapping ?? ImportPlan.Mapping(run.Mapping))
            .Where(m => m.Key.Length > 0)
            .ToDictionary(m => m.Key, m => string.IsNullOrWhiteSpace(m.Value) ? null : m.Value.Trim());
        var mode = choices.Mode ?? run.Mode;
        var errors = new FieldErrors();
        var editable = await importFields.EditableAsync(actor, module, cancellationToken);
        if (!ImportModes.All.Contains(mode))
        {
            errors.Add("mode", $"Mode is one of {string.Join(", ", ImportModes.All)}.");
        }

        foreach (var header in mapping.Keys.Where(h => !headers.Contains(h)))
        {
            errors.Add("mapping", $"The file has no column \"{header}\".");
        }

        foreach (var (header, target) in mapping.Where(m => m.Value is not null))
        {
            if (target == ImportPlan.KeyTarget || editable.Any(f => f.Key == target))
            {
                continue;
            }

            errors.Add("mapping", module.Fields.FirstOrDefault(f => f.Key == target) is { } field
                ? $"Column \"{header}\": your role may not set {field.Label}."
                : $"Column \"{header}\": {module.Definition.Title.ToLowerInvariant()} have no field \"{target}\" you may set.");
        }

        foreach (var twice in mapping.Where(m => m.Value is not null).GroupBy(m => m.Value).Where(g => g.Count() > 1))
        {
            errors.Add("mapping", $"Columns {string.Join(" and ", twice.Select(t => $"\"{t.Key}\""))} both fill {twice.Key}; map one of them to nothing.");
        }

        var unmapped = headers.Where(h => h.Length > 0 && mapping.GetValueOrDefault(h) is null).ToList();
        if (unmapped.Count > 0 && !choices.IgnoreUnmapped)
        {
            errors.Add("ignoreUnmapped", $"These columns fill no field: {string.Join(", ", unmapped.Select(h => $"\"{h}\""))}. Map them, or confirm that they are ignored.");
        }

        var matchKey = mode == ImportModes.Create ? null : choices.MatchKey ?? run.MatchKey ?? ImportPlan.KeyTarget;
        if (mode == ImportModes.Create && mapping.ContainsValue(ImportPlan.KeyTarget))
        {
            errors.Add("mode", "A create-only import cannot take record IDs: choose update, or create or update, or map the ID column to nothing.");
        }
        else if (matchKey is not null)
        {
            if (matchKey != ImportPlan.KeyTarget && !module.MatchKeys.Contains(matchKey))
            {
                errors.Add("matchKey", $"Records are matched on {string.Join(" or ", module.MatchKeys.Prepend(ImportPlan.KeyTarget))}.");
            }
            else if (!mapping.ContainsValue(matchKey))
            {
                errors.Add("matchKey", matchKey == ImportPlan.KeyTarget
                    ? "Map the column that holds the record IDs to \"id\" to match records on their ID."
                    : $"Map a column to {matchKey} to match records on it.");
            }
        }

        if (choices.RowLimit is { } limit && (limit < 1 || limit > options.Value.MaxRows))
        {
            errors.Add("rowLimit", $"Rows to import is between 1 and {options.Value.MaxRows:N0}, or empty for all.");
        }

        if (errors.Any)
        {
            return Result<ImportRun>.Invalid(errors);
        }

        foreach (var action in mode == ImportModes.Create ? [PermissionAction.Create] : mode == ImportModes.Update ? [PermissionAction.Edit] : new[] { PermissionAction.Create, PermissionAction.Edit })
        {
            if (!(await access.DecideAsync(actor, module.Definition.Key, action, null, cancellationToken)).Allowed)
            {
                return Result<ImportRun>.Forbidden($"You may not {(action == PermissionAction.Create ? "add" : "change")} {module.Definition.Title.ToLowerInvariant()}, so this mode of import is not open to you.");
            }
        }

        var json = JsonSerializer.Serialize(mapping);
        var now = clock.GetUtcNow().UtcDateTime;
        var started = await db.ImportRuns.Where(r => r.Id == run.Id && r.Status == run.Status && r.ImportedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Mapping, json).SetProperty(r => r.Mode, mode).SetProperty(r => r.MatchKey, matchKey)
                .SetProperty(r => r.IgnoreUnmapped, choices.IgnoreUnmapped).SetProperty(r => r.RowLimit, choices.RowLimit)
                .SetProperty(r => r.Status, ImportStatuses.Checking).SetProperty(r => r.Message, (string?)null)
                .SetProperty(r => r.LeaseUntil, (DateTime?)null), cancellationToken);
        if (started == 0)
        {
            return Result<ImportRun>.Conflict("This import changed meanwhile; reload it.");
        }

        await RememberAsync(module.Definition.Key, json, now, cancellationToken);
        worker.Wake();
        return Result<ImportRun>.Ok(await db.ImportRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id, cancellationToken));
    }

    private async Task RememberAsync(string module, string mapping, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.ImportMappings.SingleOrDefaultAsync(m => m.Module == module, cancellationToken) is { } remembered)
        {
            remembered.Mapping = mapping;
            remembered.UpdatedAt = now;
        }
        else
        {
            db.ImportMappings.Add(new ImportMapping { Module = module, Mapping = mapping, UpdatedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
