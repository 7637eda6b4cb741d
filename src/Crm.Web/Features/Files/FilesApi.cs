using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Crm.Web.Features.Files;

/// <summary><c>/api/v1/files</c>: file objects of records you may view, their content as downloads, uploads streamed to the store.</summary>
public static class FilesApi
{
    public static RouteGroupBuilder MapFilesApi(this RouteGroupBuilder api)
    {
        var files = api.MapGroup("/files").WithTags("Files").RequireAuthorization();
        var settings = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<FileSettings>();

        files.MapGet("", async (string? module, int? id, string? search, string? sort, string? cursor, int? pageSize, HttpContext http, ListFiles list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), new FileQuery(module, id, search, sort, cursor, pageSize), cancellationToken))
                    .ToHttp(page => Results.Ok(page)))
            .WithName("ListFiles")
            .WithSummary("The files you may view, of one record (module and id) or of all; search by name, sort by name or id, keyset-paged.");

        files.MapGet("/export", async (string? format, string? module, int? id, string? search, string? sort,
                HttpContext http, ExportFiles export, CancellationToken cancellationToken) =>
            (await export.RunAsync(http.Actor(), new FileQuery(module, id, search, sort), format, cancellationToken))
                .ToHttp(file => file.ToDownload(http.RequestAborted)))
            .AsListExport(files, "ExportFiles", "files (their metadata, not their content)");

        // Upload and GET are mapped here, not through the kit's MapOwnedRecordEdits: that maps GET,
        // a JSON create and a PATCH together through one save use case, while a file is created from
        // a streamed multipart body and never edited (no PATCH); GET alone would split the pair.
        files.MapPost("", async (HttpContext http, UploadFile upload, CancellationToken cancellationToken) =>
                (await ReadUploadAsync(http, upload, cancellationToken)).ToHttp(f => Results.Created($"/api/v1/files/{f.Id}", f)))
            .WithMetadata(new RequestSizeLimitAttribute(UploadLimit(settings)))
            .Accepts<UploadForm>("multipart/form-data")
            .WithName("UploadFile")
            .WithSummary("Attaches a file to a record: multipart fields module and id, then the file part named file. Over Files:MaxBytes: 400 (or 413 from the server) and nothing is stored.");

        files.MapGet("/{id:int}", async (int id, HttpContext http, ReadFile read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(view => Results.Ok(view.File)))
            .WithName("GetFile")
            .WithSummary("One file object; 404 when it does not exist or you may not view it or its record.");

        files.MapGet("/{id:int}/content", async (int id, HttpContext http, ReadFile read, CancellationToken cancellationToken) =>
                (await read.ContentAsync(http.Actor(), id, cancellationToken)).ToHttp(c => FileDownload.Send(http, c.File, c.Content)))
            .WithName("DownloadFile")
            .WithSummary("The file's content, as an attachment under its name.");

        files.MapRecordDelete<DeleteFile, FileDeleteImpact>("File", i => new { i.FileId, i.Name, alsoDeleted = i.Also.Named, hiddenAlsoDeleted = i.Also.Hidden, refusal = i.Also.Refusal },
            "Deletes the file object; the stored content goes with its last reference.",
            "What deleting the file object would delete with it.");

        return api;
    }

    /// <summary>The request limit of upload endpoints: the file limit plus room for the multipart framing and fields.</summary>
    public static long UploadLimit(FileSettings settings) => settings.MaxBytes + 64 * 1024;

    /// <summary>The shape of the multipart body, for the OpenAPI document.</summary>
    public sealed record UploadForm(string Module, int Id, IFormFile File);

    /// <summary>
    /// Reads the multipart body section by section, so the file is streamed to the store instead of
    /// buffered: the fields module and id must come before the file part.
    /// </summary>
    private static async Task<Result<FileDetails>> ReadUploadAsync(HttpContext http, UploadFile upload, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Result<FileDetails>.Invalid("file", "Send the upload as multipart/form-data with the fields module and id, then the file.");
        }

        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    int? id = int.TryParse(fields.GetValueOrDefault("id"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                    if (fields.ContainsKey("id") && id is null)
                    {
                        return Result<FileDetails>.Invalid("id", "The ID must be a whole number.");
                    }

                    return await upload.RunAsync(actor, fields.GetValueOrDefault("module"), id, fileName, section.ContentType, section.Body, cancellationToken);
                }

                if (fields.Count < 10 && name.Length is > 0 and < 50)
                {
                    using var text = new StreamReader(section.Body);
                    var value = new char[201];
                    var read = await text.ReadBlockAsync(value, cancellationToken);
                    fields[name] = new string(value, 0, Math.Min(read, 200)).Trim();
                }
            }

            return Result<FileDetails>.Invalid("file", "Choose a file to upload.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Result<FileDetails>.Invalid("file", upload.TooLarge);
        }
        catch (InvalidDataException)
        {
            return Result<FileDetails>.Invalid("file", "The multipart body is malformed.");
        }
        catch (IOException e) when (e.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.WebUtilities", StringComparison.Ordinal) == true)
        {
            // The multipart reader's "unexpected end of stream": a truncated body or one without its
            // closing boundary. Only the reader's own IOException: a disk error while storing the file stays a 500.
            return Result<FileDetails>.Invalid("file", "The multipart body ended before its closing boundary.");
        }
    }
}
