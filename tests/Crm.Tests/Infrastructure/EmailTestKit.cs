using Crm.Web.Features.Email;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Infrastructure;

public static class EmailTestKit
{
    public const string From = "crm@crm.test";

    /// <summary>
    /// Sends through <paramref name="port"/> on loopback. With <paramref name="worker"/> off the
    /// test drives delivery itself (<see cref="DrainAsync"/>), so attempts happen exactly when it says.
    /// </summary>
    public static CrmApp WithSmtp(this CrmApp app, int port, bool worker = false) => app
        .With("Email:Smtp:Host", "127.0.0.1")
        .With("Email:Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Email:Smtp:Security", "None")
        .With("Email:Smtp:From", From)
        .With("Email:Delivery:Enabled", worker ? "true" : "false")
        .With("Email:Delivery:IntervalSeconds", "1");

    /// <summary>Runs delivery rounds until nothing is due; returns how many messages were attempted.</summary>
    public static async Task<int> DrainAsync(this CrmApp app)
    {
        var worker = app.Services.GetRequiredService<EmailDelivery>();
        var total = 0;
        while (await worker.DeliverDueAsync(CancellationToken.None) is var attempted and > 0)
        {
            total += attempted;
        }

        return total;
    }

    public static async Task<Guid> QueueAsync(this CrmApp app, string to, string subject, string body = "Hello.")
    {
        using var scope = app.Services.CreateScope();
        var message = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Queue(to, subject, body, "test");
        await scope.ServiceProvider.GetRequiredService<Crm.Web.Data.CrmDb>().SaveChangesAsync();
        return message.Id;
    }
}
