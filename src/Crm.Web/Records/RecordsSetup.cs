using Crm.Web.Security;

namespace Crm.Web.Records;

/// <summary>What every CRM object feature shares: record access through the engine, lookups and dependents.</summary>
public static class RecordsSetup
{
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddScoped<RecordAccess>();
        services.AddScoped<RecordEditing>();
        services.AddRecordApiDocument();
        services.AddScoped<RecordLookups>();
        services.AddSingleton<RecordLookupTypes>();
        services.AddScoped<RecordDependents>();
        services.AddScoped<ListExports>();
        services.AddScoped<CustomFieldListFilters>();
        services.AddScoped<SuggestRecords>();
        services.AddScoped<SharedRecords>();
        services.AddScoped<ListRecordShares>();
        services.AddScoped<ShareRecord>();
        services.AddScoped<RemoveRecordShare>();
        services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.Add(new RecordFormRoutes()));
        return services;
    }

    /// <summary>The suggestions of the record picker (<c>wwwroot/js/record-picker.js</c>); the API's clients may use them too.</summary>
    public static RouteGroupBuilder MapRecordSuggestionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/lookup/{module}", async (string module, string? q, HttpContext http, SuggestRecords suggest, CancellationToken cancellationToken) =>
                (await suggest.RunAsync(http.Actor(), module, q, cancellationToken)).ToHttp())
            .WithTags("Search")
            .WithName("SuggestRecords")
            .WithSummary($"Up to {SuggestRecords.Limit} records of one module you may view whose name contains `q` (or the record with the ID `q`, like `42` or `ID 42`), as id and label.");
        return api;
    }

    /// <summary>
    /// Registers a module's lookup for the global search and for links to its records: as itself,
    /// so that a request about one module builds only that module's lookup, and as one of all.
    /// </summary>
    public static IServiceCollection AddRecordLookup<TLookup>(this IServiceCollection services)
        where TLookup : class, IRecordLookup
    {
        services.AddScoped<TLookup>();
        services.AddScoped<IRecordLookup>(provider => provider.GetRequiredService<TLookup>());
        return services;
    }

    /// <summary>Registers records that are deleted with the records they hang on.</summary>
    public static IServiceCollection AddRecordDependents<TDependents>(this IServiceCollection services)
        where TDependents : class, IRecordDependents =>
        services.AddScoped<IRecordDependents, TDependents>();
}
