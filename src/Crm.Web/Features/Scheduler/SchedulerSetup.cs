using Crm.Web.Features.Account;
using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.Notifications;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Scheduler;

public sealed class SchedulerSetup : ICrmFeature
{
    /// <summary>The in-process scheduler, its jobs and its page.</summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<SchedulerHealth>();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section);
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(provider => provider.GetRequiredService<JobScheduler>());
        services.AddSingleton<JobReports>();
        services.AddScoped<ReadSchedule>();

        // The jobs live with the features they clean; they are listed here so the schedule reads in one place.
        services.AddRecurringJob<RemoveStaleSessions>(RemoveStaleSessions.JobName,
            "Removes sessions signed out or unused for 30 days.", TimeSpan.FromHours(1));
        services.AddRecurringJob<RemoveOldNotifications>(RemoveOldNotifications.JobName,
            "Removes notifications read more than 90 days ago.", TimeSpan.FromHours(6));
        services.AddSingleton(new ReportingJobDefinition(Email.EmailDelivery.JobName,
            "Sends the email queue (runs on every instance; each message is leased on its own).", TimeSpan.FromSeconds(5)));

        services.AddSection(new Section(
            "Scheduler",
            "Recurring jobs: when each last ran, how it went, when it runs next.",
            "/admin/scheduler",
            650,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(new HelpTopic("scheduler", "Scheduler",
        [
            "The CRM runs its recurring jobs itself: no cron entry on the server is needed. Each job has a row in the database that works as a lease, so when several instances of the CRM run side by side, a job runs on one of them at a time.",
            "The page lists each job with how often it runs, when it last ran, how long it took, whether it succeeded (with the error if not) and when it runs next.",
            "A job that has not run for 5 minutes past its interval is marked late and a warning is shown: the CRM may have stopped, or the job keeps failing. Email delivery runs every few seconds on every instance; its row shows the last pass.",
        ], AdministratorsOnly: true));
    }

    public void MapApi(RouteGroupBuilder api)
    {
        api.MapGet("/scheduler", async (HttpContext http, ReadSchedule read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithTags("Scheduler")
            .WithName("ReadSchedule")
            .WithSummary("Every recurring job with its last run, outcome, duration, next run, and whether it is late (5 minutes past its interval).");
    }
}
