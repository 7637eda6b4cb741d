using Crm.Web.Security;

namespace Crm.Web.Features.CustomFields;

/// <summary><c>/api/v1/custom-fields</c>: the definitions, administrators only, over the same use cases as the pages.</summary>
public static class CustomFieldsApi
{
    public static RouteGroupBuilder MapCustomFieldsApi(this RouteGroupBuilder api)
    {
        var fields = api.MapGroup("/custom-fields").WithTags("Custom fields").RequireAuthorization(Policies.Administrator);

        fields.MapGet("", async (HttpContext http, string? module, ListCustomFields list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), module, cancellationToken)).ToHttp())
            .WithName("ListCustomFields")
            .WithSummary("Every custom field (or those of one module), by module and position, with how many records hold a value.");

        fields.MapGet("/{id:int}", async (HttpContext http, int id, ListCustomFields list, CancellationToken cancellationToken) =>
                (await list.ReadAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("GetCustomField")
            .WithSummary("One custom field with how many records hold a value (what deleting it would remove).");

        fields.MapPost("", async (HttpContext http, CustomFieldInput body, SaveCustomField save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), null, body, cancellationToken))
                    .ToHttp(created => Results.Json(created, statusCode: StatusCodes.Status201Created)))
            .WithName("CreateCustomField")
            .WithSummary("Adds a field to a module: module, key (letters, digits, _), label, type, choices for selects; required on a module with records needs requiredApply (fill, with a default, or new-and-edited).");

        fields.MapPut("/{id:int}", async (HttpContext http, int id, CustomFieldInput body, SaveCustomField save, CancellationToken cancellationToken) =>
                (await save.RunAsync(http.Actor(), id, body, cancellationToken)).ToHttp())
            .WithName("UpdateCustomField")
            .WithSummary("Changes a field (not its module or key); a type change or removed choice that stored values cannot follow is refused with their count and examples.");

        fields.MapDelete("/{id:int}", async (HttpContext http, int id, DeleteCustomField delete, CancellationToken cancellationToken) =>
                (await delete.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("DeleteCustomField")
            .WithSummary("Deletes a field and the values records hold of it; audited with the number of values removed.");

        return api;
    }
}
