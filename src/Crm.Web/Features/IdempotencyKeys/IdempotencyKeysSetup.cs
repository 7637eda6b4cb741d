using Crm.Web.Features.Scheduler;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Web.Features.IdempotencyKeys;

/// <summary>
/// Idempotency-Key on the API's creates: the step in the request pipeline
/// (<see cref="IdempotencyKeyMiddleware"/>, placed by <c>UseCrmPipeline</c>), the clean-up of keys
/// older than 24 hours, and the header and its answers on every POST of the OpenAPI document, so
/// generated clients offer it.
/// </summary>
public sealed class IdempotencyKeysSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddRecurringJob<PruneIdempotentRequests>(PruneIdempotentRequests.JobName,
            "Forgets the API's Idempotency-Keys after 24 hours.", TimeSpan.FromHours(1));
        services.ConfigureAll<OpenApiOptions>(options => options.AddOperationTransformer((operation, context, _) =>
        {
            if (string.Equals(context.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
            {
                Describe(operation);
            }

            return Task.CompletedTask;
        }));
    }

    private static void Describe(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyMiddleware.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "A key of your choosing (a new UUID per create). Sent again with the same request within 24 hours, it gets the first answer "
                + "(marked Idempotent-Replayed: true) instead of creating a second record. Only answers 201 are kept; any other answer frees the key.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKeyMiddleware.MaxKeyLength },
        });
        operation.Responses ??= [];
        operation.Responses.TryAdd("409", new OpenApiResponse { Description = "The first request with this Idempotency-Key is still running, or did not finish." });
        operation.Responses.TryAdd("422", new OpenApiResponse { Description = "This Idempotency-Key was used for a different request." });
    }
}
