using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Files;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>An access / portability export, ready to download.</summary>
public sealed record GdprExport(string FileName, byte[] Content)
{
    public const string ContentType = "application/zip";
}

/// <summary>
/// The access / portability export of a request's person (administrators), as a zip
/// (System.IO.Compression): <c>README.txt</c>; <c>request.json</c>; for each kind of record found
/// (<see cref="GdprPersonSearch"/>) a JSON file that describes its fields beside the records
/// (machine readable) and a CSV file of the same columns (for people: UTF-8 with a BOM, formula-like
/// cells neutralised); the history entries of those records (<c>history.json</c>, <c>history.csv</c>);
/// and the attached files' content under <c>files/</c>. The export is recorded in the activity log
/// and the audit trail (one save) before the zip is handed out; nothing of the person's data is
/// written to either, only counts.
/// </summary>
public sealed class ExportGdprPerson(CrmDb db, FileStore store, ActivityLog activity, AuditContext audit, GdprDeadlines deadlines)
{
    public const string ActivityKind = "gdpr-exported";

    public async Task<Result<GdprExport>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.ReadRefusal(actor) is { } refusal)
        {
            return Result<GdprExport>.Forbidden(refusal);
        }

        if (actor.IsPreview)
        {
            return Result<GdprExport>.Forbidden(RecordEditing.PreviewRefused);
        }

        var request = await db.Set<GdprRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Result<GdprExport>.NotFound();
        }

        var keys = await GdprPersonSearch.FindAsync(db, request, cancellationToken);
        var sheets = await GdprExportSheets.ReadAsync(db, keys, cancellationToken);
        var files = await db.FileObjects.AsNoTracking().Where(f => keys.Files.Contains(f.Id)).OrderBy(f => f.Id)
            .Select(f => new { f.Id, f.Name, f.Sha256 }).ToListAsync(cancellationToken);
        var view = (await ReadGdprRequest.ViewsAsync(db, [request], await deadlines.TodayAsync(cancellationToken), cancellationToken))[0];

        using var buffer = new MemoryStream();
        var missing = new List<string>();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var sheet in sheets)
            {
                await WriteEntryAsync(zip, sheet.Name + ".json", stream => sheet.WriteJsonAsync(stream, cancellationToken));
                await WriteEntryAsync(zip, sheet.Name + ".csv", stream => Csv.WriteAsync(stream, sheet.ToTable(), cancellationToken));
            }

            foreach (var file in files)
            {
                if (!store.Exists(file.Sha256))
                {
                    missing.Add($"files/{file.Id}-{file.Name}");
                    continue;
                }

                await using var content = store.Open(file.Sha256);
                await WriteEntryAsync(zip, $"files/{file.Id}-{file.Name}", stream => content.CopyToAsync(stream, cancellationToken));
            }

            await WriteEntryAsync(zip, "request.json", stream => JsonSerializer.SerializeAsync(stream, RequestJson(view), s_json, cancellationToken));
            await WriteEntryAsync(zip, "README.txt", stream => stream.WriteAsync(Encoding.UTF8.GetBytes(Readme(view, sheets, files.Count, missing)), cancellationToken).AsTask());
        }

        var records = sheets.Where(s => s.Name != GdprExportSheets.HistoryName).Sum(s => s.Count);
        var history = sheets.Single(s => s.Name == GdprExportSheets.HistoryName).Count;
        activity.Record(actor, ActivityKind,
            $"Exported the data of the person of data-protection request ID {id} ({GdprKinds.Title(request.Kind).ToLowerInvariant()}): {records} records, {history} history entries, {files.Count - missing.Count} files.");
        audit.Note(AuditNames.EntityType(typeof(GdprRequest)), id.ToString(CultureInfo.InvariantCulture), $"Data-protection request ID {id}", AuditActions.Exported, new JsonObject
        {
            ["format"] = new JsonObject { ["new"] = "zip" },
            ["count"] = new JsonObject { ["new"] = records },
            ["history"] = new JsonObject { ["new"] = history },
            ["files"] = new JsonObject { ["new"] = files.Count - missing.Count },
        });
        await db.SaveChangesAsync(cancellationToken);

        return Result<GdprExport>.Ok(new GdprExport($"gdpr-request-{id}-{view.ReceivedOn:yyyy-MM-dd}.zip", buffer.ToArray()));
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static async Task WriteEntryAsync(ZipArchive zip, string name, Func<Stream, Task> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await write(stream);
    }

    private static object RequestJson(GdprRequestView view) => new
    {
        view.Id,
        view.Kind,
        view.Email,
        person = view.PersonModule is null ? null : new { module = view.PersonModule, id = view.PersonId, name = view.PersonLabel },
        receivedOn = view.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        deadline = view.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        view.Status,
    };

    private static string Readme(GdprRequestView view, IReadOnlyList<GdprExportSheet> sheets, int files, List<string> missing)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Personal data held about {view.Person}\n");
        text.Append(CultureInfo.InvariantCulture, $"Data-protection request ID {view.Id} ({view.Kind}), received on {view.ReceivedOn:yyyy-MM-dd}.\n\n");
        text.Append("Each kind of record is here twice: a JSON file for machines (its \"fields\" describe every field of its \"records\") and a CSV file of the same columns for people (UTF-8; open it with a spreadsheet).\nTimes are in UTC.\n\n");
        foreach (var sheet in sheets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{sheet.Name}.json / {sheet.Name}.csv: {sheet.Count} — {sheet.Description}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"files/: the content of {files - missing.Count} attached file(s), named <file ID>-<file name>.\n");
        foreach (var path in missing)
        {
            text.Append(CultureInfo.InvariantCulture, $"Missing from the file store (not included): {path}\n");
        }

        text.Append("request.json: the request this export answers.\n");
        return text.ToString();
    }
}
