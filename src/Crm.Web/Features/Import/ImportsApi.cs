using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary><c>/api/v1/imports</c>: the import wizard's steps as calls, over the same use cases as the pages; the check, the import and the undo run in the background, polled with GET.</summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api, ImportOptions options)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization();

        imports.MapGet("", async (int? beforeId, int? pageSize, HttpContext http, ReadImport read, CancellationToken cancellationToken) =>
                Results.Ok(await read.ListAsync(http.Actor(), beforeId, pageSize ?? 50, cancellationToken)))
            .WithName("ListImports")
            .WithSummary("Imports, newest first (yours; an administrator's shows everyone's); page with beforeId.");

        imports.MapGet("/templates/{module}", async (string module, string? format, HttpContext http, ImportTemplate template, CancellationToken cancellationToken) =>
                (await template.RunAsync(http.Actor(), module, format, cancellationToken)).ToHttp(file => file.ToDownload(http.RequestAborted)))
            .WithName("DownloadImportTemplate")
            .WithSummary("The file to fill for an import into the module, format=csv (default) or xlsx: the columns you may set, a sample row, and in the xlsx the allowed values of choice fields.");

        imports.MapPost("", async (HttpContext http, StartImport start, CancellationToken cancellationToken) =>
            {
                var form = await ReadFormAsync(http, cancellationToken);
                if (!form.IsOk)
                {
                    return form.ToHttp();
                }

                var (module, file) = form.Value;
                byte[]? content = null;
                if (file is not null)
                {
                    using var buffer = new MemoryStream();
                    await file.CopyToAsync(buffer, cancellationToken);
                    content = buffer.ToArray();
                }

                var started = await start.RunAsync(http.Actor(), module, file?.FileName, content, cancellationToken);
                return !started.IsOk ? started.ToHttp()
                    : (await http.RequestServices.GetRequiredService<ReadImport>().RunAsync(http.Actor(), started.Value!.Id, cancellationToken))
                        .ToHttp(view => Results.Created($"/api/v1/imports/{view.Id}", view));
            })
            .WithMetadata(new RequestSizeLimitAttribute(UploadLimit(options)))
            .Accepts<UploadForm>("multipart/form-data")
            .Produces<ImportView>(StatusCodes.Status201Created)
            .WithName("StartImport")
            .WithSummary("Uploads a CSV or xlsx file for import into a module (multipart fields module and file): answers the file's columns and a proposed mapping. Needs the module's import permission.");

        imports.MapGet("/{id:int}", async (int id, HttpContext http, ReadImport read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetImport")
            .WithSummary("One import: its mapping, mode, status, counts and, while it runs, rows done of the total with an estimated end.");

        imports.MapGet("/{id:int}/rows", async (int id, string? outcome, int? afterRow, int? pageSize, HttpContext http, ReadImport read, CancellationToken cancellationToken) =>
                (await read.RowsAsync(http.Actor(), id, outcome, afterRow, pageSize, cancellationToken)).ToHttp())
            .WithName("ListImportRows")
            .WithSummary("What the check or the import did with each row (create, update with old → new per field, unchanged, error with the column and the problem), in file order; filter by outcome, page with afterRow.");

        imports.MapGet("/{id:int}/refused-rows", async (int id, string? format, HttpContext http, ReadImport read, CancellationToken cancellationToken) =>
                (await read.FailedRowsAsync(http.Actor(), id, format, cancellationToken)).ToHttp(file => file.ToDownload(http.RequestAborted)))
            .WithName("DownloadRefusedImportRows")
            .WithSummary("The refused rows as the file had them plus an Errors column, format=csv or xlsx: fix them and upload the file again.");

        imports.MapPost("/{id:int}/check", async (int id, ImportChoices body, HttpContext http, CheckImport check, CancellationToken cancellationToken) =>
                (await check.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp(run => Results.Accepted($"/api/v1/imports/{run.Id}", new { run.Id, run.Status })))
            .WithName("CheckImport")
            .WithSummary("Sets the mapping (column → field key, \"id\" for record IDs, null to ignore), mode (create, update, create-or-update), matchKey, ignoreUnmapped and rowLimit, and starts the dry run: nothing is written.");

        imports.MapPost("/{id:int}/confirm", async (int id, ConfirmImportRequest? body, HttpContext http, ConfirmImport confirm, CancellationToken cancellationToken) =>
                (await confirm.RunAsync(http.Actor(), id, cancellationToken, body?.SkipAutomation ?? false)).ToHttp(run => Results.Accepted($"/api/v1/imports/{run.Id}", new { run.Id, run.Status })))
            .WithName("ConfirmImport")
            .WithSummary("Imports a checked file for real, all or nothing, in the background; refused while the check found errors or another import into the module runs. skipAutomation (administrators only): the import's records, and its undo's, set off no automation rule and no webhook.");

        imports.MapPost("/{id:int}/cancel", async (int id, HttpContext http, CancelImport cancel, CancellationToken cancellationToken) =>
                (await cancel.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(run => Results.Ok(new { run.Id })))
            .WithName("CancelImport")
            .WithSummary("Stops an import before it commits (nothing is written); a committed import is undone instead.");

        imports.MapPost("/{id:int}/undo", async (int id, HttpContext http, UndoImport undo, CancellationToken cancellationToken) =>
                (await undo.RequestAsync(http.Actor(), id, cancellationToken)).ToHttp(run => Results.Accepted($"/api/v1/imports/{run.Id}", new { run.Id, run.Status })))
            .WithName("UndoImport")
            .WithSummary("Reverts an import (within Import:UndoDays): created records deleted, updated ones given back the values it replaced; a record changed since is left, with the reason on its row.");

        return api;
    }

    /// <summary>The request limit of the upload: the file limit plus room for the multipart framing and the module field.</summary>
    public static long UploadLimit(ImportOptions options) => options.MaxFileMegabytes * 1024L * 1024L + 64 * 1024;

    /// <summary>The shape of the multipart body, for the OpenAPI document.</summary>
    public sealed record UploadForm(string Module, IFormFile File);

    private static async Task<Result<(string? Module, IFormFile? File)>> ReadFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Result<(string?, IFormFile?)>.Invalid("file", "Send the file as multipart/form-data with the fields module and file.");
        }

        try
        {
            var form = await http.Request.ReadFormAsync(cancellationToken);
            return Result<(string?, IFormFile?)>.Ok((form["module"].FirstOrDefault(), form.Files.GetFile("file")));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Result<(string?, IFormFile?)>.Invalid("file", http.RequestServices.GetRequiredService<IOptions<ImportOptions>>().Value.TooLarge);
        }
        catch (InvalidDataException)
        {
            return Result<(string?, IFormFile?)>.Invalid("file", "The multipart body is malformed.");
        }
    }
}

/// <summary>The body of a confirm (optional): <paramref name="SkipAutomation"/> true imports without automation rules and webhooks.</summary>
public sealed record ConfirmImportRequest(bool SkipAutomation = false);
