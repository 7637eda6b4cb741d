using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Webhooks;

/// <summary>What the webhook tests share: an app whose sender the test drives, and endpoints made through the API.</summary>
internal static class WebhookKit
{
    /// <summary>A CRM that trusts the loopback receiver (Webhooks:AllowedHosts) and sends only when the test says.</summary>
    public static CrmApp App() => new CrmApp()
        .With("Webhooks:AllowedHosts:0", "127.0.0.1")
        .With("Webhooks:Delivery:Enabled", "false");

    /// <summary>One pass of the sender (the app's, or <paramref name="worker"/>), after sealing what was written (the sealer would within a second).</summary>
    public static async Task<int> DeliverAsync(CrmApp app, WebhookWorker? worker = null)
    {
        using (var scope = app.Services.CreateScope())
        {
            await AuditChain.SealAsync(scope.ServiceProvider.GetRequiredService<CrmDb>(), CancellationToken.None);
        }

        return await (worker ?? app.Services.GetRequiredService<WebhookWorker>()).RunOnceAsync(CancellationToken.None);
    }

    public static async Task<(Guid Id, string Secret)> CreateAsync(PageClient admin, string url, Guid userId, string[] modules, string[] events, string name = "ERP")
    {
        var response = await admin.Http.PostAsJsonAsync("/api/v1/webhooks", new { name, url, userId, modules, events });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("id").GetGuid(), json.RootElement.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> EndpointAsync(PageClient admin, Guid id)
    {
        var response = await admin.Http.GetAsync($"/api/v1/webhooks/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static JsonElement Json(ReceivedWebhook message) => JsonDocument.Parse(message.Body).RootElement;
}
