using System.Text.Json;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Features.Records;

/// <summary>
/// How a module's API names and describes its get, create and update routes, and which PATCH body
/// field (JSON name) sets which of the module's field flags. <paramref name="Name"/> names the routes:
/// "Deal" gives GetDeal, CreateDeal and UpdateDeal.
/// </summary>
public sealed record OwnedRecordEdits<TRequest, TFields>(string Name, TFields AllFields, IReadOnlyList<(string Name, TFields Field)> Fields)
    where TRequest : class
    where TFields : struct, Enum
{
    public required string GetSummary { get; init; }

    public required string CreateSummary { get; init; }

    public required string UpdateSummary { get; init; }
}

/// <summary>
/// The routes the owned-record modules (leads, products, deals, logged emails) map the same way;
/// lists and exports stay in the modules because their filters differ. Route names, summaries,
/// bodies and answers are those each module had, so the OpenAPI document and clients see no change.
/// </summary>
public static class OwnedRecordEndpoints
{
    /// <summary>
    /// <c>GET /{id}</c> (<paramref name="get"/> answers), <c>POST</c> (every field, 201 at
    /// <paramref name="location"/>) and <c>PATCH /{id}</c> (only the fields the body names, so an
    /// absent field is kept and a null one cleared), both through the module's save use case.
    /// </summary>
    public static RouteGroupBuilder MapOwnedRecordEdits<TRequest, TFields, TRead, TSave, TDetails>(
        this RouteGroupBuilder group,
        OwnedRecordEdits<TRequest, TFields> edits,
        Func<TRead, Actor, int, CancellationToken, Task<IResult>> get,
        Func<TSave, Actor, int?, TRequest, TFields, CancellationToken, Task<Result<TDetails>>> save,
        Func<TDetails, string> location)
        where TRequest : class
        where TFields : struct, Enum
        where TRead : class
        where TSave : class
    {
        // The handlers are typed locals, not lambdas in the Map calls: ASP.NET Core's route handler
        // analyzer fails on handler parameters of generic types (AD0001); the endpoints are the same.
        Func<int, HttpContext, TRead, CancellationToken, Task<IResult>> getOne = async (int id, HttpContext http, TRead read, CancellationToken cancellationToken) =>
            await get(read, http.Actor(), id, cancellationToken);
        group.MapGet("/{id:int}", getOne)
            .WithName("Get" + edits.Name)
            .WithSummary(edits.GetSummary);

        Func<JsonElement, HttpContext, TSave, IOptions<JsonOptions>, CancellationToken, Task<IResult>> create =
            async (JsonElement body, HttpContext http, TSave use, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var read = PatchBody.Read<TRequest>(body, json.Value.SerializerOptions);
                return !read.IsOk ? read.ToHttp()
                    : (await save(use, http.Actor(), null, read.Value!.Value, edits.AllFields, cancellationToken))
                        .ToHttp(d => Results.Created(location(d), d));
            };
        group.MapPost("", create)
            .Accepts<TRequest>("application/json")
            .WithName("Create" + edits.Name)
            .WithSummary(edits.CreateSummary);

        Func<int, JsonElement, HttpContext, TSave, IOptions<JsonOptions>, CancellationToken, Task<IResult>> update =
            async (int id, JsonElement body, HttpContext http, TSave use, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<TRequest>(body, json.Value.SerializerOptions);
                return !patch.IsOk ? patch.ToHttp()
                    : (await save(use, http.Actor(), id, patch.Value!.Value, Given(patch.Value!, edits.Fields), cancellationToken)).ToHttp();
            };
        group.MapPatch("/{id:int}", update)
            .Accepts<TRequest>("application/json")
            .WithName("Update" + edits.Name)
            .WithSummary(edits.UpdateSummary);

        return group;
    }

    /// <summary>
    /// <c>DELETE /{id}</c> (204) and <c>GET /{id}/delete-impact</c> through <see cref="DeleteOwnedRecord{T}"/>.
    /// The impact answer keeps each module's own JSON names for the ID and label
    /// (<paramref name="idName"/>, <paramref name="labelName"/>, e.g. "dealId", "title").
    /// </summary>
    public static RouteGroupBuilder MapOwnedRecordDelete<TRecord>(
        this RouteGroupBuilder group, string name, string idName, string labelName, string deleteSummary, string impactSummary)
        where TRecord : OwnedRecord
    {
        // Typed locals for the route handler analyzer, as in MapOwnedRecordEdits.
        Func<int, HttpContext, DeleteOwnedRecord<TRecord>, CancellationToken, Task<IResult>> deleteOne =
            async (int id, HttpContext http, DeleteOwnedRecord<TRecord> delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, null, cancellationToken)).ToHttp(_ => Results.NoContent());
        group.MapDelete("/{id:int}", deleteOne)
            .WithName("Delete" + name)
            .WithSummary(deleteSummary);

        Func<int, HttpContext, DeleteOwnedRecord<TRecord>, CancellationToken, Task<IResult>> impact =
            async (int id, HttpContext http, DeleteOwnedRecord<TRecord> delete, CancellationToken cancellationToken) =>
                (await delete.ImpactAsync(http.Actor(), id, cancellationToken))
                    .ToHttp(i => Results.Ok(new Dictionary<string, object?>
                    {
                        [idName] = i.Id,
                        [labelName] = i.Label,
                        ["alsoDeleted"] = i.Also.Named,
                        ["hiddenAlsoDeleted"] = i.Also.Hidden,
                        ["refusal"] = i.Also.Refusal,
                    }));
        group.MapGet("/{id:int}/delete-impact", impact)
            .WithName("Get" + name + "DeleteImpact")
            .WithSummary(impactSummary);

        return group;
    }

    // The flags of the fields the body names; an enum can't be OR-ed generically, so through its bits.
    private static TFields Given<TRequest, TFields>(PatchBody<TRequest> body, IReadOnlyList<(string Name, TFields Field)> fields)
        where TFields : struct, Enum
    {
        ulong given = 0;
        foreach (var (name, field) in fields)
        {
            given |= body.Has(name) ? Convert.ToUInt64(field, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }

        return (TFields)Enum.ToObject(typeof(TFields), given);
    }
}
