using System.Text.Json;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Web.Records;

/// <summary>
/// Marks a route of the kit that reads or writes a module's records with their <c>customFields</c>:
/// the OpenAPI document gives the schemas of <paramref name="Described"/> (the body, the record, a
/// list's item) a <c>customFields</c> property (<see cref="RecordApiDocument"/>).
/// </summary>
public sealed record RecordCustomFieldsMetadata(string Module, IReadOnlyList<Type> Described);

/// <summary>The list route every object module maps the same way, beside its own filters.</summary>
public static class RecordListEndpoints
{
    /// <summary>
    /// Declares the module's list route answering a page of <typeparamref name="TItem"/>, and gives each
    /// item the <c>customFields</c> object its GET has (ADR 0034): only the fields the caller may see,
    /// read for the whole page in one query.
    /// </summary>
    public static RouteHandlerBuilder AsRecordList<TItem>(this RouteHandlerBuilder list, ModuleDefinition module) =>
        list
            .Produces<ListPage<TItem>>(StatusCodes.Status200OK)
            .WithMetadata(new RecordCustomFieldsMetadata(module.Key, [typeof(TItem)]))
            .AddEndpointFilter(async (context, next) => await WithCustomFieldsAsync(await next(context), context.HttpContext, module.Key));

    /// <summary>A page's answer with <c>customFields</c> in each item, when the feature is there and the module may have them.</summary>
    private static async Task<object?> WithCustomFieldsAsync(object? result, HttpContext http, string module)
    {
        if (ReadableModules.Find(module) is null || http.RequestServices.GetService<IRecordCustomFields>() is not { } custom
            || result is not IValueHttpResult { Value: { } page } || result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }
            || !page.GetType().IsGenericType || page.GetType().GetGenericTypeDefinition() != typeof(ListPage<>))
        {
            return result;
        }

        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(page, page.GetType(), options)!.AsObject();
        var items = node[options.PropertyNamingPolicy?.ConvertName(nameof(ListPage<object>.Items)) ?? nameof(ListPage<object>.Items)]!.AsArray();
        var idName = options.PropertyNamingPolicy?.ConvertName("Id") ?? "Id";
        var ids = items.Select(i => i![idName]!.GetValue<int>()).ToList();
        var values = await custom.ReadManyAsync(http.Actor(), module, ids, http.RequestAborted);
        for (var i = 0; i < items.Count; i++)
        {
            // Each item its own object: a node has one parent.
            items[i]![OwnedRecordEndpoints.CustomFieldsProperty] = values[ids[i]].DeepClone();
        }

        return Results.Ok(node);
    }
}
