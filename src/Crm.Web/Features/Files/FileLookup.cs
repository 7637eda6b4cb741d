using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

/// <summary>Files in the global search and as link targets: only those whose file object and record the actor may view.</summary>
public sealed class FileLookup(CrmDb db, FileVisibility visibility, RecordAccess access) : IRecordLookup, IAuditedRecords
{
    /// <summary>Not an OwnedRecordLookup (a file's visibility is its record's), so it names its type for the audit.</summary>
    public Type RecordType => typeof(FileObject);

    public IReadOnlyList<LinkField> LinkFields { get; } = [new("relatedId", null, "relatedModule")];

    /// <summary>A file is decided on its own facts once the actor may view it and its record.</summary>
    public async Task<IReadOnlySet<int>> PermittedAsync(Actor actor, string action, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var permitted = new HashSet<int>();
        foreach (var file in await db.FileObjects.AsNoTracking().Where(f => list.Contains(f.Id)).ToListAsync(cancellationToken))
        {
            if (await visibility.ViewableAsync(actor, file, cancellationToken) is { } seen
                && (await access.DecideAsync(actor, ModuleKey, action, seen.Facts, cancellationToken)).Allowed)
            {
                permitted.Add(file.Id);
            }
        }

        return permitted;
    }

    public Task<RecordOwnership?> OwnershipAsync(int id, CancellationToken cancellationToken) =>
        db.FileObjects.AsNoTracking().Where(f => f.Id == id).Select(f => new RecordOwnership(f.OwnerId, f.DepartmentId)).FirstOrDefaultAsync(cancellationToken);

    public string ModuleKey => CrmModules.Files.Key;

    public string Title => "Files";

    public string PageOf(int id) => $"/files/{id}";

    public async Task<RecordLink?> FindAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var file = await db.FileObjects.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return file is not null && await visibility.ViewableAsync(actor, file, cancellationToken) is not null
            ? new RecordLink(ModuleKey, file.Id, file.Name, PageOf(file.Id))
            : null;
    }

    public async Task<IReadOnlyList<RecordLink>> SearchAsync(Actor actor, string text, int limit, CancellationToken cancellationToken)
    {
        var candidates = await db.FileObjects.AsNoTracking().Where(await visibility.RowFilterAsync(actor, cancellationToken))
            .Where(FileObject.Matching(text.Trim().ToLowerInvariant()))
            .OrderByDescending(f => f.ModifiedAt).ThenByDescending(f => f.Id).Take(limit * 4)
            .Select(f => new { f.Id, f.Name, f.RelatedModule, f.RelatedId }).ToListAsync(cancellationToken);
        var found = new List<RecordLink>();
        foreach (var f in candidates)
        {
            if (found.Count < limit && await visibility.RelatedAsync(actor, f.RelatedModule, f.RelatedId, cancellationToken) is not null)
            {
                found.Add(new RecordLink(ModuleKey, f.Id, f.Name, PageOf(f.Id)));
            }
        }

        return found;
    }
}
