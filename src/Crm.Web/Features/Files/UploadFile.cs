using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

/// <summary>
/// Attaches an uploaded file to a record the actor may view (needs create on files). The content
/// is stored once by its SHA-256: the same bytes uploaded again, anywhere, add a file object only.
/// Over the size limit, or on any invalid input, nothing is stored.
/// </summary>
public sealed class UploadFile(CrmDb db, RecordAccess access, FileVisibility visibility, FileStore store, TimeProvider clock)
{
    public string TooLarge => $"The file is larger than the limit of {store.Settings.MaxDescription}.";

    public async Task<Result<FileDetails>> RunAsync(Actor actor, string? module, int? id, string? fileName, string? contentType, Stream? content, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<FileDetails>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        if (!(await access.DecideAsync(actor, CrmModules.Files.Key, PermissionAction.Create, null, cancellationToken)).Allowed)
        {
            return Result<FileDetails>.Forbidden("You may not attach files.");
        }

        var errors = new FieldErrors();
        RecordLink? related = null;
        if (string.IsNullOrWhiteSpace(module) || id is null)
        {
            errors.Add(string.IsNullOrWhiteSpace(module) ? "module" : "id", "Say which record the file is attached to (module and ID).");
        }
        else if ((related = await visibility.RelatedAsync(actor, module, id.Value, cancellationToken)) is null)
        {
            errors.Add("id", $"There is no record {module} ID {id} that you may see.");
        }

        if (content is null)
        {
            errors.Add("file", "Choose a file to upload.");
        }

        if (errors.Any)
        {
            return Result<FileDetails>.Invalid(errors);
        }

        using var staged = await store.StageAsync(content!, cancellationToken);
        if (staged is null)
        {
            return Result<FileDetails>.Invalid("file", TooLarge);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var owner = actor.UserId!.Value;
        var file = new FileObject
        {
            Name = FileNames.Sanitise(fileName),
            ContentType = FileNames.ContentType(contentType),
            Size = staged.Size,
            Sha256 = staged.Sha256,
            RelatedModule = related!.Module,
            RelatedId = related.Id,
            OwnerId = owner,
            DepartmentId = await Owners.DepartmentOfAsync(db, owner, cancellationToken),
        };
        file.StampCreated(actor, now);
        // The bytes are in place before the rows commit, so a committed row always has its content;
        // a failed commit leaves only an unreferenced file for the sweep.
        store.Place(staged);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!await db.StoredFiles.AnyAsync(s => s.Sha256 == staged.Sha256, cancellationToken))
            {
                db.StoredFiles.Add(new StoredFile { Sha256 = staged.Sha256, Size = staged.Size, CreatedAt = now });
            }

            db.FileObjects.Add(file);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        store.EnsureStored(staged);
        var ownerName = await Owners.NameAsync(db, owner, cancellationToken);
        return Result<FileDetails>.Ok(new FileDetails(file.Id, file.Name, file.ContentType, file.Size, file.Sha256, file.RelatedModule, file.RelatedId,
            related.Label, related.Url, owner, ownerName, file.DepartmentId, file.CreatedAt, file.ModifiedAt, file.Version));
    }
}
