using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>What the actor may do with a record on its page (never anything while previewing).</summary>
public sealed record RecordActions(bool Edit, bool Delete);

/// <summary>
/// A record as its page and form read it: the module's details and the actor's rights. A module whose
/// page decides more (a lead's conversion, a deal's amount) keeps a view of its own.
/// </summary>
public sealed record RecordView<TDetails>(TDetails Record, RecordActions Can);

public static class RecordViews
{
    /// <summary>
    /// The read use case of a module whose page shows edit and delete only: the record opened by
    /// <see cref="RecordAccess.ReadAsync{T}"/> (404 when missing or hidden), its details, and the rights.
    /// <paramref name="editable"/> says whether a record may be edited at all (an incoming email may not).
    /// </summary>
    public static async Task<Result<RecordView<TDetails>>> ViewAsync<T, TDetails>(
        this RecordAccess access, Actor actor, ModuleDefinition module, int id,
        Func<T, CancellationToken, Task<TDetails>> details, CancellationToken cancellationToken, Func<T, bool>? editable = null)
        where T : OwnedRecord
    {
        var opened = await access.ReadAsync<T>(actor, module.Key, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<RecordView<TDetails>>();
        }

        var read = opened.Value;
        var can = new RecordActions(
            (editable?.Invoke(read.Record) ?? true) && await read.MayAsync(PermissionAction.Edit, cancellationToken),
            await read.MayAsync(PermissionAction.Delete, cancellationToken));
        return Result<RecordView<TDetails>>.Ok(new RecordView<TDetails>(await details(read.Record, cancellationToken), can));
    }
}
