using Microsoft.Playwright;

namespace Crm.BrowserTests.Infrastructure;

/// <summary>
/// One headless Chromium for all journeys: starting it costs seconds, a fresh context per
/// journey costs milliseconds and shares no cookies or storage. It is the distribution's
/// Chromium (<c>CRM_CHROMIUM</c>, else /usr/bin/chromium): Playwright's own browser download
/// is not reachable from the build machines.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Variable = "CRM_CHROMIUM";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            // A missing browser fails the run: a journey that did not run must not look like a pass.
            throw new InvalidOperationException($"No Chromium at {executable}: install Debian's chromium package or set {Variable}.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            // No sandbox: the tests run as root in a container. The rest keeps Chromium off the network.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedChromium : ICollectionFixture<Chromium>
{
    // One collection, so journeys run one after another: each starts a server and a browser
    // context, and the build machines have two cores.
    public const string Name = "Browser";
}
