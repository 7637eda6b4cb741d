using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.Webhooks;

/// <summary>A request the receiver got: the three Standard Webhooks headers and the body as sent.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body);

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel, a port of its own), not a mocked handler: it records
/// every POST to /hook and answers with the status the test sets.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The status every request gets from now on.</summary>
    public int Status { get; set; } = 200;

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            receiver.Received.Enqueue(new ReceivedWebhook(http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body));
            return Results.Text($"receiver says {receiver.Status}", statusCode: receiver.Status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    public List<ReceivedWebhook> TakeAll()
    {
        var taken = new List<ReceivedWebhook>();
        while (Received.TryDequeue(out var one))
        {
            taken.Add(one);
        }

        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The receiver's side of the Standard Webhooks specification, written from it here and not
    /// taken from the CRM: which of the space-separated "v1,…" signatures verify with this secret.
    /// </summary>
    public static int VerifiedSignatures(ReceivedWebhook message, string secret)
    {
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes(message.Id + "." + message.Timestamp + "." + message.Body)));
        return message.Signature.Split(' ').Count(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public static long TimestampOf(ReceivedWebhook message) => long.Parse(message.Timestamp, CultureInfo.InvariantCulture);
}
