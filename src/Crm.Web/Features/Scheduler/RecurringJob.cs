namespace Crm.Web.Features.Scheduler;

/// <summary>
/// A job the scheduler runs at its registered interval, on one instance at a time. Resolved in a
/// scope of its own for each run; it acts as the system, never as a signed-in person.
/// </summary>
public interface IRecurringJob
{
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>A registered job: its name (the row in ScheduledJobs), what it does, how often, and its class.</summary>
public sealed record RecurringJobDefinition(string Name, string Description, TimeSpan Interval, Type JobType);

/// <summary>
/// A job that reports to the scheduler's table but runs its own loop (the email delivery worker,
/// which every instance runs, each message leased on its own). Listed with its last run all the same.
/// </summary>
public sealed record ReportingJobDefinition(string Name, string Description, TimeSpan Interval);

public static class RecurringJobRegistration
{
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string name, string description, TimeSpan interval)
        where TJob : class, IRecurringJob
    {
        services.AddScoped<TJob>();
        return services.AddSingleton(new RecurringJobDefinition(name, description, interval, typeof(TJob)));
    }
}
