using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Crm.BrowserTests.Infrastructure;

/// <summary>
/// One journey: its own CRM served by Kestrel on a free loopback port (a browser cannot reach
/// the in-memory TestServer), and a fresh browser context with a 1280x800 viewport. Every
/// console error and uncaught script error is recorded; <see cref="AssertNoErrors"/> fails the
/// journey on any of them, and on any error the app logged while serving it.
/// </summary>
public sealed class Journey : IAsyncDisposable
{
    private readonly List<string> _browserErrors = [];
    private readonly Lock _gate = new();
    private readonly IBrowserContext _context;

    private Journey(CrmApp app, Uri address, IBrowserContext context, IPage page)
    {
        App = app;
        Address = address;
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error at {message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"uncaught error: {error}");
    }

    public CrmApp App { get; }
    public Uri Address { get; }
    public IPage Page { get; }

    public static async Task<Journey> StartAsync(Chromium chromium)
    {
        var app = new CrmApp();
        try
        {
            // Port 0: the factory binds http://127.0.0.1:0 ahead of Program's default "urls", so
            // parallel runs never collide; the address Kestrel actually bound is read back below.
            app.UseKestrel(0);
            app.StartServer();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

            var context = await chromium.Browser.NewContextAsync(new()
            {
                BaseURL = address.ToString(),
                ViewportSize = new() { Width = 1280, Height = 800 },
            });
            return new Journey(app, address, context, await context.NewPageAsync());
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The absolute address of <paramref name="path"/>, as the browser's address bar shows it.</summary>
    public string Url(string path) => new Uri(Address, path).ToString();

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/account/sign-in");
        await Field("Email").FillAsync(email);
        await Field("Password").FillAsync(password);
        await Button("Sign in").ClickAsync();
    }

    /// <summary>Signs out the way a person does: opens the menu under their name, then "Sign out".</summary>
    public async Task SignOutAsync(string displayName)
    {
        await Button(displayName).ClickAsync();
        await Button("Sign out").ClickAsync();
    }

    public void AssertNoErrors()
    {
        string[] browserErrors;
        lock (_gate)
        {
            browserErrors = [.. _browserErrors];
        }

        Assert.True(browserErrors.Length == 0, "The browser reported errors:\n" + string.Join("\n", browserErrors));
        var appErrors = App.Log.Lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Category}: {l.Message} {l.Exception}").ToArray();
        Assert.True(appErrors.Length == 0, "The app logged errors:\n" + string.Join("\n", appErrors));
    }

    private void Record(string error)
    {
        lock (_gate)
        {
            _browserErrors.Add(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await App.DisposeAsync();
    }
}
