using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Email;

public sealed class EmailSetup : ICrmFeature
{
    /// <summary>The outbox, the SMTP settings, the delivery worker and the email queue's use cases.</summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddHealthIndicator<EmailQueueHealth>();
        services.AddOptions<SmtpSettings>().BindConfiguration(SmtpSettings.Section);
        services.AddOptions<EmailDeliveryOptions>().BindConfiguration(EmailDeliveryOptions.Section);
        services.AddScoped<EmailOutbox>();
        services.AddSingleton<Templates.EmailTemplates>();
        services.AddScoped<Templates.TemplatedEmails>();
        services.AddSingleton<SmtpSender>();

        // One instance, both hosted and injectable: the queue's actions wake it.
        services.AddSingleton<EmailDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<EmailDelivery>());

        services.AddScoped<ReadEmailQueueState>();
        services.AddScoped<RetryEmail>();
        services.AddScoped<DiscardEmail>();
        services.AddScoped<ProcessAllEmails>();
        services.AddScoped<SendTestEmail>();

        services.AddSection(new Section(
            "Email queue",
            "Outgoing email: what waits, what failed and why; retry, process all, discard; send a test email.",
            "/admin/email-queue",
            600,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        services.AddHelpTopic(s_help);
    }

    /// <summary>The queue's endpoints of <c>/api/v1</c>, for administrators, over the same use cases as the page.</summary>
    public void MapApi(RouteGroupBuilder api)
    {
        var queue = api.MapGroup("/email-queue").WithTags("Email queue").RequireAuthorization(Policies.Administrator);

        queue.MapGet("", async (HttpContext http, ReadEmailQueueState read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ReadEmailQueueState")
            .WithSummary("Counts by state, delivery problems, and the blocked and failing messages with their last error; never a body.");

        queue.MapPost("/process-all", async (HttpContext http, ProcessAllEmails process, CancellationToken cancellationToken) =>
                (await process.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ProcessEmailQueue")
            .WithSummary("Makes every queued and blocked message due now (blocked ones with fresh attempts) and wakes the worker.");

        queue.MapPost("/{id:guid}/retry", async (HttpContext http, Guid id, RetryEmail retry, CancellationToken cancellationToken) =>
                (await retry.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("RetryEmail")
            .WithSummary("Makes one queued or blocked message due now, with fresh attempts.");

        queue.MapPost("/{id:guid}/discard", async (HttpContext http, Guid id, DiscardEmail discard, CancellationToken cancellationToken) =>
                (await discard.RunAsync(http.Actor(), id, cancellationToken)).ToHttp(_ => Results.NoContent()))
            .WithName("DiscardEmail")
            .WithSummary("Never sends one queued or blocked message; it stays listed as discarded.");
    }

    private static readonly HelpTopic s_help = new("email-queue", "Email queue",
    [
        "Every email the CRM sends (welcome emails, password resets, notifications) first waits in the queue, then goes out through the SMTP server within a few seconds.",
        "When the server cannot be reached or refuses a message, the CRM tries again after 1 minute, 5 minutes, 30 minutes, 2 hours and 6 hours. If the last try fails too, the message is blocked. The page lists blocked messages and those still being retried, with the server's exact answer.",
        "Retry makes one message go out now, with a fresh series of tries. Process all does the same for every waiting and blocked message: use it once the server or the settings are fixed. Discard gives up on a message for good; it is kept for the record but never sent.",
        "Send test email sends a message to your own address straight away and shows whether the server accepted it, or its exact error. Use it after changing the SMTP settings.",
        "The SMTP server is set in Administration › Settings › Email (host, port, security, user name, password, from address); until it is, the server's Email:Smtp configuration is used. Port 587 with StartTls and port 465 with SslOnConnect (implicit TLS) both work; the server's certificate is always checked.",
        "Every action on this page is recorded in the activity log. The content of the messages is never shown: it may hold single-use links.",
    ], AdministratorsOnly: true);
}
