using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Records;

/// <summary>The API of a module whose read and save implement the kit's interfaces, mapped from them.</summary>
public static class RecordViewEndpoints
{
    /// <summary>
    /// <see cref="OwnedRecordEndpoints.MapOwnedRecordEdits"/> with the module's use cases: GET answers
    /// the view's details, POST and PATCH go through <typeparamref name="TSave"/>, a created record is
    /// at <c>/api/v1/{module}/{id}</c>.
    /// </summary>
    public static RouteGroupBuilder MapRecordViewEdits<TRead, TSave, TInput, TFields, TDetails>(
        this RouteGroupBuilder group, ModuleDefinition module, OwnedRecordEdits<TInput, TFields> edits)
        where TRead : class, IReadRecord<TDetails>
        where TSave : class, ISaveRecord<TInput, TFields, TDetails>
        where TInput : class
        where TFields : struct, Enum
        where TDetails : IRecordDetails =>
        group.MapOwnedRecordEdits(edits,
            get: async (TRead read, Actor actor, int id, CancellationToken cancellationToken) =>
                (await read.RunAsync(actor, id, cancellationToken)).ToHttp(view => Results.Ok(view.Record)),
            save: (TSave save, Actor actor, int? id, TInput input, TFields fields, CancellationToken cancellationToken) =>
                save.RunAsync(actor, id, input, fields, cancellationToken),
            location: d => $"/api/v1/{module.Key}/{d.Id}");
}
