using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

public sealed record FileDetails(
    int Id, string Name, string ContentType, long Size, string Sha256, string RelatedModule, int RelatedId, string RelatedLabel, string RelatedUrl,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, DateTime ModifiedAt, int Version);

public sealed record FileView(FileDetails File, bool CanDelete);

/// <summary>One file object, and its content; outside the actor's view (of the file or of its record) it is "not found".</summary>
public sealed class ReadFile(CrmDb db, FileVisibility visibility, Records.RecordAccess access, FileStore store)
{
    public async Task<Result<FileView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var file = await db.FileObjects.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (file is null || await visibility.ViewableAsync(actor, file, cancellationToken) is not { } seen)
        {
            return Result<FileView>.NotFound();
        }

        var owner = await Owners.NameAsync(db, file.OwnerId, cancellationToken);
        var canDelete = !actor.IsPreview && (await access.DecideAsync(actor, CrmModules.Files.Key, PermissionAction.Delete, seen.Facts, cancellationToken)).Allowed;
        return Result<FileView>.Ok(new FileView(
            new FileDetails(file.Id, file.Name, file.ContentType, file.Size, file.Sha256, file.RelatedModule, file.RelatedId, seen.Related.Label, seen.Related.Url,
                file.OwnerId, owner, file.DepartmentId, file.CreatedAt, file.ModifiedAt, file.Version),
            canDelete));
    }

    /// <summary>The content to send as a download, with the file's details.</summary>
    public async Task<Result<(FileDetails File, Stream Content)>> ContentAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var found = await RunAsync(actor, id, cancellationToken);
        if (!found.IsOk)
        {
            return Result<(FileDetails, Stream)>.NotFound();
        }

        var file = found.Value.File;
        return store.Exists(file.Sha256)
            ? Result<(FileDetails, Stream)>.Ok((file, store.Open(file.Sha256)))
            : Result<(FileDetails, Stream)>.Conflict("The content of this file is missing from the file store. Ask an administrator to restore it from a backup.");
    }
}

/// <summary>How a download is sent: always as an attachment under the sanitised name, never sniffed into something a browser runs.</summary>
public static class FileDownload
{
    public static IResult Send(HttpContext http, FileDetails file, Stream content)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(content, FileNames.ContentType(file.ContentType), FileNames.Sanitise(file.Name), enableRangeProcessing: false);
    }
}
