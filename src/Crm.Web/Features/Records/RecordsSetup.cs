namespace Crm.Web.Features.Records;

/// <summary>What every CRM object feature shares: record access through the engine, lookups and dependents.</summary>
public static class RecordsSetup
{
    public static IServiceCollection AddRecords(this IServiceCollection services)
    {
        services.AddScoped<RecordAccess>();
        services.AddScoped<RecordLookups>();
        services.AddSingleton<RecordLookupTypes>();
        services.AddScoped<RecordDependents>();
        services.AddScoped<ListExports>();
        return services;
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
