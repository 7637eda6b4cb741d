using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

/// <summary>
/// Reference counting of stored content, within the caller's unit of work: removing file objects
/// removes the content rows nothing else refers to; attaching existing content elsewhere adds file
/// objects only. The bytes on disk are removed after commit by whoever committed
/// (<see cref="FileReleases"/>) or, failing that, by the sweep.
/// </summary>
public static class FileReferences
{
    /// <summary>Marks the file objects deleted and the content rows they were the last references to; returns those contents' hashes.</summary>
    public static async Task<IReadOnlyList<string>> RemoveAsync(CrmDb db, IReadOnlyCollection<FileObject> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return [];
        }

        db.FileObjects.RemoveRange(files);
        var ids = files.Select(f => f.Id).ToList();
        var hashes = files.Select(f => f.Sha256).Distinct(StringComparer.Ordinal).ToList();
        var stillUsed = await db.FileObjects.AsNoTracking().Where(f => hashes.Contains(f.Sha256) && !ids.Contains(f.Id))
            .Select(f => f.Sha256).Distinct().ToListAsync(cancellationToken);
        var released = hashes.Except(stillUsed, StringComparer.Ordinal).ToList();
        var rows = await db.StoredFiles.Where(s => released.Contains(s.Sha256)).ToListAsync(cancellationToken);
        db.StoredFiles.RemoveRange(rows);
        return released;
    }

    /// <summary>New file objects for <paramref name="module"/> <paramref name="id"/> referring to the same stored content as <paramref name="sources"/>.</summary>
    public static List<FileObject> CopyTo(CrmDb db, IEnumerable<FileObject> sources, string module, int id, Actor actor, Guid ownerId, int? departmentId, DateTime now)
    {
        var copies = sources.Select(s =>
        {
            var copy = new FileObject
            {
                Name = s.Name, ContentType = s.ContentType, Size = s.Size, Sha256 = s.Sha256,
                RelatedModule = module, RelatedId = id, OwnerId = ownerId, DepartmentId = departmentId,
            };
            copy.StampCreated(actor, now);
            return copy;
        }).ToList();
        db.FileObjects.AddRange(copies);
        return copies;
    }
}

/// <summary>Content released in this request's transaction, removed from disk once it committed.</summary>
public sealed class FileReleases(CrmDb db, FileStore store)
{
    private readonly List<string> _released = [];

    public void Add(IEnumerable<string> sha256s) => _released.AddRange(sha256s);

    /// <summary>Call after the commit; the rows decide, so calling it after a rollback removes nothing.</summary>
    public async Task AfterCommitAsync(CancellationToken cancellationToken)
    {
        var released = _released.ToList();
        _released.Clear();
        await store.RemoveUnreferencedAsync(db, released, cancellationToken);
    }
}

/// <summary>File objects hang on the record they are attached to, whatever its module, and are deleted with it.</summary>
public sealed class FileDependents(CrmDb db, FileReleases releases) : IRecordDependents
{
    public string ModuleKey => Security.Permissions.CrmModules.Files.Key;

    public async Task<IReadOnlyList<RecordLink>> OfAsync(string parentModule, IReadOnlyCollection<int> parentIds, CancellationToken cancellationToken)
    {
        var ids = parentIds.ToList();
        var rows = await db.FileObjects.AsNoTracking().Where(f => f.RelatedModule == parentModule && ids.Contains(f.RelatedId))
            .OrderBy(f => f.Id).Select(f => new { f.Id, f.Name }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecordLink(ModuleKey, r.Id, r.Name, $"/files/{r.Id}"))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var files = await db.FileObjects.Where(f => list.Contains(f.Id)).ToListAsync(cancellationToken);
        releases.Add(await FileReferences.RemoveAsync(db, files, cancellationToken));
    }

    public Task AfterCommitAsync(CancellationToken cancellationToken) => releases.AfterCommitAsync(cancellationToken);
}
