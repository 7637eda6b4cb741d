using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Webhooks;

/// <summary>Bad input gets a message on its field and changes nothing; no URL or address inside the network is ever reached.</summary>
public sealed class WebhookInputTests
{
    /// <summary>URLs that must never receive a webhook: internal addresses in every spelling, other schemes, ports, credentials.</summary>
    public static readonly string[] HostileUrls =
    [
        "https://127.0.0.1/", "https://127.1/", "https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://localhost/",
        "https://[::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::]/",
        "https://[::127.0.0.1]/", "https://0.0.0.0/", "https://[::]/", "https://10.0.0.1/", "https://172.16.0.1/", "https://172.31.255.254/",
        "https://192.168.0.1/", "https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/", "https://100.64.0.1/",
        "https://100.127.255.254/", "https://224.0.0.1/", "https://255.255.255.255/", "https://[fe80::1]/", "https://[fc00::1]/",
        "https://[ff02::1]/", "https://[::ffff:169.254.169.254]/", "https://[::ffff:10.0.0.1]/", "https://198.18.0.1/",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "https://[2002:a9fe:a9fe::]/", "http://example.com/", "https://example.com:22/",
        "https://example.com:8443/", "https://user:secret@example.com/", "https://user@example.com/", "ftp://example.com/",
        "file:///etc/passwd", "javascript:alert(1)", "gopher://example.com/", "//example.com/", "example.com",
        "https://" + new string('a', 10_000) + ".com/",
    ];

    [Fact]
    public async Task Hostile_urls_and_bad_fields_are_refused_per_field_and_nothing_is_saved()
    {
        await using var app = new CrmApp().With("Webhooks:Delivery:Enabled", "false");
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();

        Assert.True(HostileUrls.Length >= 30);
        foreach (var url in HostileUrls)
        {
            var response = await admin.Http.PostAsJsonAsync("/api/v1/webhooks", new { name = "Probe", url, userId = adminId, modules = new[] { "companies" }, events = new[] { "created" } });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url[..Math.Min(60, url.Length)]} answered {(int)response.StatusCode}");
            var problem = await response.ReadJsonAsync();
            Assert.Equal(["url"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
            var errors = problem.GetProperty("errors").GetProperty("url").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.NotEmpty(errors);
            Assert.All(errors, e => Assert.True(e.Length < 300, e));
        }

        var longName = new string('n', 10_000);
        var cases = new (object Body, string Field)[]
        {
            (new { name = longName, url = "https://example.com/hook", userId = adminId, modules = new[] { "companies" }, events = new[] { "created" } }, "name"),
            (new { name = "", url = "https://example.com/hook", userId = adminId, modules = new[] { "companies" }, events = new[] { "created" } }, "name"),
            (new { name = "X", url = "", userId = adminId, modules = new[] { "companies" }, events = new[] { "created" } }, "url"),
            (new { name = "X", url = "https://example.com/hook", userId = (Guid?)null, modules = new[] { "companies" }, events = new[] { "created" } }, "userId"),
            (new { name = "X", url = "https://example.com/hook", userId = (Guid?)Guid.NewGuid(), modules = new[] { "companies" }, events = new[] { "created" } }, "userId"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = new[] { "companies", "spaceships" }, events = new[] { "created" } }, "modules"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = new[] { new string('m', 10_000) }, events = new[] { "created" } }, "modules"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = Array.Empty<string>(), events = new[] { "created" } }, "modules"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = new[] { "companies" }, events = new[] { "exploded" } }, "events"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = new[] { "companies" }, events = new[] { "converted" } }, "events"),
            (new { name = "X", url = "https://example.com/hook", userId = adminId, modules = new[] { "companies" }, events = Array.Empty<string>() }, "events"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.Http.PostAsJsonAsync("/api/v1/webhooks", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = await response.FieldErrorsAsync(field);
            Assert.NotEmpty(errors);
            Assert.All(errors, e => Assert.True(e.Length < 300, e));
        }

        // The page shows the message on the field, keeping what was typed.
        var refused = await admin.SubmitAsync("/admin/webhooks/new", new()
        {
            ["Input.Name"] = "Probe",
            ["Input.Url"] = "https://user:secret@example.com/",
            ["Input.UserId"] = adminId.ToString(),
            ["Input.Modules"] = "companies",
            ["Input.Events"] = "created",
        });
        var page = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains(page.ValidationMessages(), m => m.Contains("user name or password", StringComparison.Ordinal));
        Assert.Null(page.QuerySelector("input#secret"));

        // A change through the API is checked the same way and leaves the endpoint as it was.
        var (id, _) = await WebhookKit.CreateAsync(admin, "https://93.184.215.14/hook", adminId, ["companies"], ["created"]);
        var put = await admin.Http.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { name = "ERP", url = "https://169.254.169.254/", userId = adminId, modules = new[] { "companies" }, events = new[] { "created" } });
        Assert.NotEmpty(await put.FieldErrorsAsync("url"));
        Assert.Equal("https://93.184.215.14/hook", await app.InDatabaseAsync(db => db.Set<WebhookEndpoint>().Select(e => e.Url).SingleAsync()));
    }

    [Fact]
    public async Task The_guard_refuses_the_connection_by_the_address_it_resolves_to_and_judges_every_address_form()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        await using var app = new CrmApp().With("Webhooks:Delivery:Enabled", "false")
            .With("Webhooks:AllowedPorts:0", "443").With("Webhooks:AllowedPorts:1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _ = app.Server;
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.ClientName);

        // A name that resolves to loopback (and the literal) is refused when connecting, whatever was checked before.
        foreach (var url in new[] { $"http://localhost:{port}/hook", $"http://127.0.0.1:{port}/hook", $"http://[::ffff:127.0.0.1]:{port}/hook" })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));
            Assert.IsType<WebhookRefusedException>(refused.InnerException ?? refused.GetBaseException(), exactMatch: false);
        }

        Assert.Empty(receiver.TakeAll());

        string[] forbidden =
        [
            "127.0.0.1", "127.255.255.254", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.0.1",
            "224.0.0.251", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "198.18.0.1", "::1", "::", "fe80::1", "fec0::1", "fc00::1",
            "fd00:ec2::254", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::7f00:1", "2002:7f00:1::", "2002:c0a8:101::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "100::1",
        ];
        string[] allowed = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2606:4700:4700::1111", "2002:5db8:d70e::", "::ffff:8.8.8.8"];
        Assert.All(forbidden, a => Assert.True(WebhookAddressGuard.IsForbidden(System.Net.IPAddress.Parse(a)), a + " was let through"));
        Assert.All(allowed, a => Assert.False(WebhookAddressGuard.IsForbidden(System.Net.IPAddress.Parse(a)), a + " was refused"));
    }
}
