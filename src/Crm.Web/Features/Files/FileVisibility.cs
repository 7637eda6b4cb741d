using System.Linq.Expressions;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Features.Files;

/// <summary>
/// A file object is visible when the engine lets the actor view it (module "files") AND the
/// record it is attached to is visible to them: a file never shows more than its record.
/// </summary>
public sealed class FileVisibility(RecordAccess access, IServiceProvider services)
{
    // Resolved late: the lookups include the file lookup, which depends on this class.
    private RecordLookups Lookups => services.GetRequiredService<RecordLookups>();

    public Task<Expression<Func<FileObject, bool>>> RowFilterAsync(Actor actor, CancellationToken cancellationToken) =>
        access.VisibleAsync<FileObject>(actor, CrmModules.Files.Key, cancellationToken);

    public Task<RecordLink?> RelatedAsync(Actor actor, string module, int id, CancellationToken cancellationToken) =>
        module == CrmModules.Files.Key ? Task.FromResult<RecordLink?>(null) : Lookups.FindAsync(actor, module, id, cancellationToken);

    /// <summary>The facts of the file if the actor may view it and its record, with the record's link; null otherwise.</summary>
    public async Task<(RecordFacts Facts, RecordLink Related)?> ViewableAsync(Actor actor, FileObject file, CancellationToken cancellationToken)
    {
        var facts = await access.FactsAsync(CrmModules.Files.Key, file.Id, file.OwnerId, file.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, CrmModules.Files.Key, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return null;
        }

        return await RelatedAsync(actor, file.RelatedModule, file.RelatedId, cancellationToken) is { } related ? (facts, related) : null;
    }
}
