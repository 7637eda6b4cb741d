using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Import;

/// <summary>
/// The file to fill for an import into a module, as CSV or xlsx: one column per field the importer's
/// role may set, headed by the field's label (which the mapping recognises), and one sample row showing
/// how each kind of value is written; in the xlsx a second sheet lists the values each choice field takes.
/// </summary>
public sealed class ImportTemplate(RecordAccess access, ImportModules modules, ImportFields importFields)
{
    public async Task<Result<TableExport>> RunAsync(Actor actor, string moduleKey, string? format, CancellationToken cancellationToken)
    {
        if (modules.Find(moduleKey) is not { } module)
        {
            return Result<TableExport>.NotFound();
        }

        if (await ImportRights.RefusalAsync(access, actor, module, cancellationToken) is { } refusal)
        {
            return Result<TableExport>.Forbidden(refusal);
        }

        if (ListExports.ParseFormat(format ?? "csv") is not { } parsed)
        {
            return Result<TableExport>.Invalid("format", "Format is \"csv\" or \"xlsx\".");
        }

        var columns = await importFields.EditableAsync(actor, module, cancellationToken);
        IReadOnlyList<string?> sample = [.. columns.Select(Sample)];
        var choices = columns.Where(c => c.Choices is not null).ToList();
        var depth = choices.Count == 0 ? 0 : choices.Max(c => c.Choices!.Count);
        IReadOnlyList<IReadOnlyList<string?>> allowed =
        [
            [.. choices.Select(c => c.Label)],
            .. Enumerable.Range(0, depth).Select(i => (IReadOnlyList<string?>)[.. choices.Select(c => i < c.Choices!.Count ? c.Choices[i] : null)]),
        ];
        return Result<TableExport>.Ok(new TableExport($"{module.Definition.Key}-import-template", [.. columns.Select(c => c.Label)], _ => new[] { sample }.ToAsyncEnumerable())
        {
            Format = parsed,
            MoreSheets = choices.Count == 0 ? [] : [("Allowed values", allowed)],
        });
    }

    private static string Sample(ImportField field) => field.Choices is { Count: > 0 } choices ? choices[0] : field.Kind switch
    {
        ImportValueKind.WholeNumber => field.Key.EndsWith("Id", StringComparison.Ordinal) ? "" : "50",
        ImportValueKind.Date => "2026-12-31",
        ImportValueKind.Boolean => "yes",
        ImportValueKind.User => "owner@example.com",
        ImportValueKind.Users => "ann@example.com, bob@example.com",
        _ => field.Key.Contains("email", StringComparison.OrdinalIgnoreCase) ? "name@example.com"
            : field.Key.Contains("phone", StringComparison.OrdinalIgnoreCase) ? "+44 20 7946 0000"
            : field.Key.Contains("website", StringComparison.OrdinalIgnoreCase) ? "https://example.com"
            : "",
    };
}
