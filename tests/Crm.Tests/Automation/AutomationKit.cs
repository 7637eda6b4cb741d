using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Automation;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Automation;

/// <summary>What the automation tests share: an app whose engine the test drives, and rules made through the API.</summary>
internal static class AutomationKit
{
    /// <summary>A CRM whose automation worker runs only when the test says.</summary>
    public static CrmApp App() => new CrmApp().With("Automation:WorkerEnabled", "false");

    /// <summary>One pass of the engine, after sealing what was written (the sealer would within a second); returns the actions attempted.</summary>
    public static async Task<int> RunEngineAsync(CrmApp app)
    {
        using (var scope = app.Services.CreateScope())
        {
            await AuditChain.SealAsync(scope.ServiceProvider.GetRequiredService<CrmDb>(), CancellationToken.None);
        }

        return await app.Services.GetRequiredService<AutomationWorker>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Runs the engine until nothing is left to do now (rules fired by the changes of earlier actions included).</summary>
    public static async Task SettleAsync(CrmApp app)
    {
        for (var i = 0; i < 10 && await RunEngineAsync(app) > 0; i++)
        {
        }

        await RunEngineAsync(app);
    }

    public static async Task<Guid> CreateRuleAsync(PageClient admin, string json)
    {
        var response = await admin.PostJsonAsync("/api/v1/automation/rules", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> RunsAsync(PageClient admin, Guid rule)
    {
        var response = await admin.Http.GetAsync($"/api/v1/automation/rules/{rule}/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<int> CreateLeadAsync(PageClient client, string json)
    {
        var response = await client.PostJsonAsync("/api/v1/leads", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32();
    }
}
