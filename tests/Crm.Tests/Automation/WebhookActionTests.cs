using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using static Crm.Tests.Automation.AutomationKit;
using static Crm.Tests.Webhooks.WebhookKit;

namespace Crm.Tests.Automation;

/// <summary>The "call-webhook" action: refused without a real endpoint; queued through the webhook feature's deliveries and received, signed, by a real HTTP listener.</summary>
public sealed class WebhookActionTests
{
    [Fact]
    public async Task A_rule_sends_the_records_payload_to_the_endpoint_it_names_signed_like_every_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = WebhookKit.App().With("Automation:WorkerEnabled", "false");
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        // The endpoint listens to companies only: the rule's delivery is the rule's, not a subscription.
        var (endpoint, secret) = await CreateAsync(admin, receiver.Url, adminId, ["companies"], ["created"]);

        string Rule(object action) => JsonSerializer.Serialize(new { name = "Leads to the ERP", module = "leads", trigger = "created", enabled = true, automationUserId = adminId, actions = new[] { action } });
        async Task<IReadOnlyList<string>> Refused(object action, string field)
        {
            var response = await admin.PostJsonAsync("/api/v1/automation/rules", Rule(action));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.FieldErrorsAsync(field);
        }

        Assert.Equal(["There is no webhook endpoint with this ID."], await Refused(new { kind = "call-webhook", webhookId = Guid.NewGuid() }, "actions[0].webhookId"));
        Assert.Equal(["Choose the webhook endpoint to call (Administration › Webhooks)."], await Refused(new { kind = "call-webhook" }, "actions[0].webhookId"));
        Assert.StartsWith("A call-webhook action takes a webhookId only",
            Assert.Single(await Refused(new { kind = "call-webhook", webhookId = endpoint, title = new string('x', 10_000) }, "actions[0]")), StringComparison.Ordinal);
        Assert.Equal(["Only a call-webhook action names a webhook endpoint."],
            await Refused(new { kind = "notify", recipients = "owner", title = "Hi", webhookId = endpoint }, "actions[0].webhookId"));
        Assert.Equal(0, (await (await admin.Http.GetAsync("/api/v1/automation/rules")).ReadJsonAsync()).GetArrayLength());

        var rule = await CreateRuleAsync(admin, Rule(new { kind = "call-webhook", webhookId = endpoint }));
        var lead = await CreateLeadAsync(admin, """{"firstName":"Hook","lastName":"Lead","companyName":"Wired Ltd"}""");
        await SettleAsync(app);
        var action = Assert.Single(Assert.Single((await RunsAsync(admin, rule)).EnumerateArray()).GetProperty("actions").EnumerateArray());
        Assert.Equal(("done", $"Queued a webhook delivery of leads {lead}."), (action.GetProperty("status").GetString(), action.GetProperty("outcome").GetString()));
        Assert.StartsWith("Send leads", action.GetProperty("summary").GetString(), StringComparison.Ordinal);

        Assert.Equal(1, await DeliverAsync(app));
        var message = Assert.Single(receiver.TakeAll());
        Assert.Equal(1, WebhookReceiver.VerifiedSignatures(message, secret));
        var body = Json(message);
        Assert.Equal("leads.automation", body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(("leads", lead, "Hook", "Wired Ltd"), (data.GetProperty("module").GetString(), data.GetProperty("id").GetInt32(),
            data.GetProperty("record").GetProperty("firstName").GetString(), data.GetProperty("record").GetProperty("companyName").GetString()));
        Assert.Equal((rule.ToString(), "Leads to the ERP"), (data.GetProperty("rule").GetProperty("id").GetString(), data.GetProperty("rule").GetProperty("name").GetString()));

        // The delivery is in the endpoint's own log, with the type the payload schema lists.
        var deliveries = (await EndpointAsync(admin, endpoint)).GetProperty("deliveries");
        Assert.Equal(["leads.automation"], deliveries.EnumerateArray().Select(d => d.GetProperty("eventType").GetString()));
        var schema = await (await admin.Http.GetAsync("/api/v1/webhooks/payload-schema")).ReadJsonAsync();
        Assert.Contains("leads.automation", schema.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(t => t.GetString()));
    }
}
