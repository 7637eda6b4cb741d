using Crm.Web.Features.Help;
using Crm.Web.Features.Scheduler;
using Crm.Web.Web;

namespace Crm.Web.Features.Automation;

public sealed class AutomationSetup : ICrmFeature
{
    /// <summary>The rules' use cases, the engine (evaluation, fan-out from the audit trail, actions) and its worker. Administrators only: rules act with the rights of a user they name.</summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddSection(new Section(
            "Automation",
            "Rules that react to record changes and dates: notify people, create tasks, send emails, set fields. Try a rule on a record before enabling it.",
            "/admin/automation",
            560,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(AutomationHelp.Topic);

        services.AddOptions<AutomationOptions>().BindConfiguration(AutomationOptions.Section);
        services.AddSingleton<SettableFields>();
        services.AddScoped<PlanActions>();
        services.AddScoped<UserRecords>();
        services.AddScoped<EvaluateRule>();
        services.AddScoped<RuleFields>();
        services.AddScoped<AutomationFanOut>();
        services.AddScoped<RunAutomationAction>();
        services.AddSingleton<AutomationWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<AutomationWorker>());
        services.AddRecurringJob<PruneAutomationRuns>(PruneAutomationRuns.JobName,
            "Removes automation runs older than Automation:RunLogDays (30 by default) whose actions are finished.", TimeSpan.FromHours(6));

        services.AddRecurringJob<FireDateRules>(FireDateRules.JobName,
            "Fires the rules timed on a date (a deal's expected close minus 7 days) on the records now due, once per record and date.", TimeSpan.FromMinutes(5));

        // Every minute: a rule set for 08:00 runs at 08:00, not up to five minutes later.
        services.AddRecurringJob<FireScheduledRules>(FireScheduledRules.JobName,
            "Runs the scheduled rules (every day at 08:00 in the organisation's time zone) over their module's matching records, once per record and day.", TimeSpan.FromMinutes(1));
        services.AddScoped<ScheduleSweep>();

        services.AddScoped<SaveAutomationRule>();
        services.AddScoped<ReadAutomationRule>();
        services.AddScoped<ListAutomationRules>();
        services.AddScoped<DeleteAutomationRule>();
        services.AddScoped<TryAutomationRule>();
        services.AddScoped<PreviewDateRule>();
        services.AddScoped<UseAutomationTemplate>();
    }

    public void MapApi(RouteGroupBuilder api) => api.MapAutomationApi();
}
