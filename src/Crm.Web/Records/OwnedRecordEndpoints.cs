using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Records;

/// <summary>
/// How a module's API names and describes its get, create and update routes. <paramref name="Name"/>
/// names the routes: "Deal" gives GetDeal, CreateDeal and UpdateDeal. The body binds to the save use
/// case's own input type <typeparamref name="TInput"/>; it keeps its wire name in the OpenAPI
/// document through <see cref="ApiSchemaNameAttribute"/>. Which body field sets which of the
/// module's field flags <typeparamref name="TFields"/> follows from their names (see <see cref="InputFields"/>).
/// </summary>
public sealed record OwnedRecordEdits<TInput, TFields>(string Name)
    where TInput : class
    where TFields : struct, Enum
{
    /// <summary>Unless the module says more: "One product; 404 when …".</summary>
    public string GetSummary { get; init; } = $"One {Name.ToLowerInvariant()}; 404 when it does not exist or you may not view it.";

    public required string CreateSummary { get; init; }

    /// <summary>Unless the module says more: what every module's PATCH does.</summary>
    public string UpdateSummary { get; init; } = "Changes the fields present in the body (null clears); `version` is required, 409 if someone else saved first.";

    /// <summary>What GET answers, for the OpenAPI document; null: the record's details, as create and update answer.</summary>
    public Type? GetResponse { get; init; }
}

/// <summary>
/// The routes every CRM object maps the same way; lists and exports stay in the modules because
/// their filters differ. Route names, summaries, bodies and answers are those each module had, so
/// clients see no change; the OpenAPI document also declares each route's answers and errors.
/// </summary>
public static class OwnedRecordEndpoints
{
    /// <summary>
    /// <c>GET /{id}</c> (<paramref name="get"/> answers), <c>POST</c> (every field, 201 at
    /// <paramref name="location"/>) and <c>PATCH /{id}</c> (only the fields the body names, so an
    /// absent field is kept and a null one cleared), both through the module's save use case.
    /// </summary>
    public static RouteGroupBuilder MapOwnedRecordEdits<TInput, TFields, TRead, TSave, TDetails>(
        this RouteGroupBuilder group,
        OwnedRecordEdits<TInput, TFields> edits,
        Func<TRead, Actor, int, CancellationToken, Task<IResult>> get,
        Func<TSave, Actor, int?, TInput, TFields, CancellationToken, Task<Result<TDetails>>> save,
        Func<TDetails, string> location)
        where TInput : class
        where TFields : struct, Enum
        where TRead : class
        where TSave : class
    {
        // Built here so that a flag naming no property of the input fails at start-up, not at the first PATCH.
        _ = InputFields.All<TInput, TFields>();

        // The module whose records these are, when it is one custom fields can be added to (ADR 0034).
        var module = ReadableModules.All.FirstOrDefault(m => m.Details == typeof(TDetails))?.Key;
        object[] described = module is null ? [] : [new RecordCustomFieldsMetadata(module, [typeof(TInput), typeof(TDetails)])];

        // The handlers' parameters name no type of the module (its use cases come from the request's
        // services): so the Request Delegate Generator writes them at build time, as it does for the
        // modules' own routes, instead of each app compiling them again at start (ADR 0023).
        group.MapGet("/{id:int}", async (int id, HttpContext http, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
                await WithCustomFieldsAsync(await get(http.RequestServices.GetRequiredService<TRead>(), http.Actor(), id, cancellationToken),
                    http, module, typeof(TDetails), id, json.Value.SerializerOptions, cancellationToken))
            .WithName("Get" + edits.Name)
            .WithMetadata(described)
            .WithSummary(edits.GetSummary)
            .Produces(StatusCodes.Status200OK, edits.GetResponse ?? typeof(TDetails))
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The body is read as JSON and then as TInput (PatchBody), so a value of the wrong type is a
        // field error and a PATCH knows which fields it names.
        group.MapPost("", async (JsonElement body, HttpContext http, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var read = PatchBody.Read<TInput>(body, json.Value.SerializerOptions);
                return !read.IsOk ? read.ToHttp()
                    : await SaveAsync(http, module, null, body, json.Value.SerializerOptions,
                        () => save(http.RequestServices.GetRequiredService<TSave>(), http.Actor(), null, read.Value.Value, InputFields.All<TInput, TFields>(), cancellationToken),
                        (d, answer) => Results.Created(location(d), answer), cancellationToken);
            })
            .Accepts<TInput>("application/json")
            .WithName("Create" + edits.Name)
            .WithMetadata(described)
            .WithSummary(edits.CreateSummary)
            .Produces<TDetails>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPatch("/{id:int}", async (int id, JsonElement body, HttpContext http, IOptions<JsonOptions> json, CancellationToken cancellationToken) =>
            {
                var patch = PatchBody.Read<TInput>(body, json.Value.SerializerOptions);
                return !patch.IsOk ? patch.ToHttp()
                    : await SaveAsync(http, module, id, body, json.Value.SerializerOptions,
                        () => save(http.RequestServices.GetRequiredService<TSave>(), http.Actor(), id, patch.Value.Value, InputFields.Given<TInput, TFields>(patch.Value), cancellationToken),
                        (_, answer) => Results.Ok(answer), cancellationToken);
            })
            .Accepts<TInput>("application/json")
            .WithName("Update" + edits.Name)
            .WithMetadata(described)
            .WithSummary(edits.UpdateSummary)
            .Produces<TDetails>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>
    /// A save with the body's <c>customFields</c> (when the feature is there and the module has them):
    /// checked before the module's save, so a refused value saves nothing; written after it in the
    /// same transaction; and the answer is the record's details with its <c>customFields</c>.
    /// </summary>
    private static async Task<IResult> SaveAsync<TDetails>(
        HttpContext http, string? module, int? id, JsonElement body, JsonSerializerOptions options,
        Func<Task<Result<TDetails>>> save, Func<TDetails, object, IResult> answer, CancellationToken cancellationToken)
    {
        var custom = module is null ? null : http.RequestServices.GetService<IRecordCustomFields>();
        if (custom is null)
        {
            return (await save()).ToHttp(d => answer(d, d!));
        }

        var actor = http.Actor();
        var plan = await custom.CheckAsync(actor, module!, id, body, cancellationToken);
        if (!plan.IsOk)
        {
            return plan.ToHttp();
        }

        var saved = await custom.SaveWithAsync(http.RequestServices.GetRequiredService<CrmDb>(), plan.Value, module!, save, cancellationToken);
        if (!saved.IsOk)
        {
            return saved.ToHttp();
        }

        var recordId = RecordCustomFieldSaves.RecordIdOf(saved.Value);
        var node = JsonSerializer.SerializeToNode(saved.Value, options)!.AsObject();
        node[CustomFieldsProperty] = await custom.ReadAsync(actor, module!, recordId, cancellationToken);
        return answer(saved.Value, node);
    }

    public const string CustomFieldsProperty = "customFields";

    /// <summary>
    /// A record's GET answer with its <c>customFields</c>, when the feature is there and the module may
    /// have them. Where the answer wraps the record (a task with its sub-tasks: <c>{ task, subTasks }</c>),
    /// they go inside the record, where create and update answer them.
    /// </summary>
    private static async Task<IResult> WithCustomFieldsAsync(
        IResult result, HttpContext http, string? module, Type details, int id, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (module is null || http.RequestServices.GetService<IRecordCustomFields>() is not { } custom
            || result is not IValueHttpResult { Value: { } value } || result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK })
        {
            return result;
        }

        var node = JsonSerializer.SerializeToNode(value, value.GetType(), options)!.AsObject();
        var record = node;
        if (value.GetType() != details && value.GetType().GetProperties().FirstOrDefault(p => p.PropertyType == details) is { } wrapped
            && node[options.PropertyNamingPolicy?.ConvertName(wrapped.Name) ?? wrapped.Name] is JsonObject inner)
        {
            record = inner;
        }

        record[CustomFieldsProperty] = await custom.ReadAsync(http.Actor(), module, id, cancellationToken);
        return Results.Ok(node);
    }

    /// <summary>
    /// <c>DELETE /{id}</c> (204) and <c>GET /{id}/delete-impact</c> through <see cref="DeleteOwnedRecord{T}"/>.
    /// The impact answer keeps each module's own JSON names for the ID and label
    /// (<paramref name="idName"/>, <paramref name="labelName"/>, e.g. "dealId", "title"). The summaries say
    /// "Deletes the product." unless the module has more to say (what goes with a deal).
    /// </summary>
    public static RouteGroupBuilder MapOwnedRecordDelete<TRecord>(
        this RouteGroupBuilder group, string name, string idName, string labelName, string? deleteSummary = null, string? impactSummary = null)
        where TRecord : OwnedRecord =>
        group.MapRecordDelete<DeleteOwnedRecord<TRecord>, OwnedRecordDeleteImpact>(name, i => new Dictionary<string, object?>
            {
                [idName] = i.Id,
                [labelName] = i.Label,
                ["alsoDeleted"] = i.Also.Named,
                ["hiddenAlsoDeleted"] = i.Also.Hidden,
                ["refusal"] = i.Also.Refusal,
            },
            deleteSummary ?? $"Deletes the {Noun(name)}.", impactSummary ?? $"What deleting the {Noun(name)} would delete with it.");

    // "LoggedEmail" → "logged email", as the summaries name one record.
    private static string Noun(string name) => RecordFields.LabelOf(name).ToLowerInvariant();

    /// <summary>
    /// <c>DELETE /{id}</c> (204, nothing confirmed in advance) and <c>GET /{id}/delete-impact</c>
    /// through a module's own delete use case (<typeparamref name="TDelete"/>, e.g. a company with its
    /// contacts); <paramref name="answer"/> is the impact as the module's clients know it.
    /// </summary>
    public static RouteGroupBuilder MapRecordDelete<TDelete, TImpact>(
        this RouteGroupBuilder group, string name, Func<TImpact, object> answer, string deleteSummary, string impactSummary)
        where TDelete : IRecordDeletion<TImpact>
        where TImpact : class
    {
        // The use case comes from the request's services, as in MapOwnedRecordEdits.
        group.MapDelete("/{id:int}", async (int id, HttpContext http, CancellationToken cancellationToken) =>
                (await http.RequestServices.GetRequiredService<TDelete>().RunAsync(http.Actor(), id, null, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("Delete" + name)
            .WithSummary(deleteSummary)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id:int}/delete-impact", async (int id, HttpContext http, CancellationToken cancellationToken) =>
                (await http.RequestServices.GetRequiredService<TDelete>().ImpactAsync(http.Actor(), id, cancellationToken)).ToHttp(i => Results.Ok(answer(i))))
            .WithName("Get" + name + "DeleteImpact")
            .WithSummary(impactSummary)
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return group;
    }
}
