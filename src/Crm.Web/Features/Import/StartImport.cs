using System.Text.Json;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>
/// Takes a file for import into a module (needs the module's import permission): checks its size,
/// kind and that it reads, and proposes a mapping of its columns: the module's last mapping for the
/// same headers first, then headers that name a field by its API name or its label. Nothing is checked
/// against the data yet; that is the dry run (<see cref="CheckImport"/>).
/// </summary>
public sealed class StartImport(CrmDb db, RecordAccess access, ImportModules modules, ImportFields importFields, TimeProvider clock, IOptions<ImportOptions> options)
{
    public async Task<Result<ImportRun>> RunAsync(Actor actor, string? moduleKey, string? fileName, byte[]? content, CancellationToken cancellationToken)
    {
        var module = modules.Find(moduleKey);
        if (module is null)
        {
            return Result<ImportRun>.Invalid("module", $"Choose what to import: {string.Join(", ", modules.All.Select(m => m.Definition.Key))}.");
        }

        var refusal = await ImportRights.RefusalAsync(access, actor, module, cancellationToken);
        if (refusal is not null)
        {
            return Result<ImportRun>.Forbidden(refusal);
        }

        var kind = fileName is null ? null : ImportSheets.KindOf(fileName);
        var limit = options.Value.MaxFileMegabytes * 1024L * 1024L;
        var errors = new FieldErrors();
        if (content is null || content.Length == 0 || string.IsNullOrWhiteSpace(fileName))
        {
            errors.Add("file", "Choose a file to import.");
        }
        else if (kind is null)
        {
            errors.Add("file", "Choose a .csv or .xlsx file. Save other spreadsheets (.xls, .ods, .numbers) as .xlsx or CSV first.");
        }
        else if (content.Length > limit)
        {
            errors.Add("file", options.Value.TooLarge);
        }

        if (errors.Any)
        {
            return Result<ImportRun>.Invalid(errors);
        }

        var (sheet, problem) = ImportSheets.Read(content!, kind!, options.Value.MaxRows);
        if (sheet is null || sheet.Rows.Count == 0)
        {
            return Result<ImportRun>.Invalid("file", problem ?? "The file has a header row but no rows to import.");
        }

        var remembered = await db.ImportMappings.AsNoTracking().Where(m => m.Module == module.Definition.Key).Select(m => m.Mapping).SingleOrDefaultAsync(cancellationToken);
        var editable = await importFields.EditableAsync(actor, module, cancellationToken);
        var run = new ImportRun
        {
            Module = module.Definition.Key,
            FileName = Path.GetFileName(fileName!) is { Length: <= ImportRun.FileNameMaxLength } name ? name : Path.GetFileName(fileName!)[..ImportRun.FileNameMaxLength],
            FileKind = kind!,
            Headers = JsonSerializer.Serialize(sheet.Headers),
            Mapping = JsonSerializer.Serialize(Suggest(sheet.Headers, editable, remembered is null ? [] : ImportPlan.Mapping(remembered))),
            RowCount = sheet.Rows.Count,
            CreatedById = actor.UserId!.Value,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ImportRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        db.ImportFiles.Add(new ImportFile { RunId = run.Id, Content = content! });
        await db.SaveChangesAsync(cancellationToken);
        return Result<ImportRun>.Ok(run);
    }

    /// <summary>Header → field: as last time for this module, else the field whose name or label the header is (ignoring case, spaces and punctuation).</summary>
    public static Dictionary<string, string?> Suggest(IReadOnlyList<string> headers, IReadOnlyList<ImportField> editable, IReadOnlyDictionary<string, string?> remembered)
    {
        var mapping = new Dictionary<string, string?>();
        foreach (var header in headers.Where(h => h.Length > 0))
        {
            var plain = Plain(header);
            mapping[header] = remembered.TryGetValue(header, out var before) && (before is null || before == ImportPlan.KeyTarget || editable.Any(f => f.Key == before)) ? before
                : plain is "id" or "recordid" ? ImportPlan.KeyTarget
                : editable.FirstOrDefault(f => Plain(f.Key) == plain || Plain(f.Label) == plain || Plain(f.Key) == plain + "id")?.Key;
        }

        // A field takes one column: the first that named it.
        foreach (var twice in mapping.Where(m => m.Value is not null).GroupBy(m => m.Value).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)).ToList())
        {
            mapping[twice.Key] = null;
        }

        return mapping;
    }

    private static string Plain(string text) => new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}

/// <summary>Who may import into a module: the module's import permission, and never while previewing as someone else.</summary>
public static class ImportRights
{
    public static async Task<string?> RefusalAsync(RecordAccess access, Actor actor, IRecordImport module, CancellationToken cancellationToken) =>
        actor.IsPreview ? RecordEditing.PreviewRefused
        : actor.UserId is null || !(await access.DecideAsync(actor, module.Definition.Key, PermissionAction.Import, null, cancellationToken)).Allowed
            ? $"You may not import {module.Definition.Title.ToLowerInvariant()}."
            : null;
}
