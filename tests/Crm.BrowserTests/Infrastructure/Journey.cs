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
/// journey on any of them, and on any error the app logged while serving it. A journey with two
/// people opens a second browser with <see cref="OpenSecondBrowserAsync"/>: same server, own
/// cookies, errors recorded in the same list.
/// </summary>
public sealed class Journey : IAsyncDisposable
{
    private readonly List<string> _browserErrors = [];
    private readonly List<(string Url, int Status)> _expectedRefusals = [];
    private readonly Lock _gate = new();
    private readonly IBrowser _browser;
    private readonly List<IBrowserContext> _contexts = [];

    private Journey(CrmApp app, Uri address, IBrowser browser, IBrowserContext context, IPage page)
    {
        App = app;
        Address = address;
        _browser = browser;
        _contexts.Add(context);
        Page = page;
        Watch(page, "first browser");
    }

    public CrmApp App { get; }
    public Uri Address { get; }
    public IPage Page { get; }

    // Playwright waits 5 s for an expectation and 30 s for an action by default. The journeys run
    // beside both integration lanes on two cores, where a form's post, its redirect and the next
    // page have taken over 30 s (a company's save, a mailing's send). One generous wait for every
    // step, rather than a figure at each slow step found the hard way. A passing step waits no
    // longer for it, and a refused save stays on its form whatever the wait, so none hides a failure.
    private const float Patience = 60_000;

    static Journey() => Assertions.SetDefaultExpectTimeout(Patience);

    /// <summary>Starts the journey's CRM with the shipped settings, changed by <paramref name="settings"/> (key, value).</summary>
    public static async Task<Journey> StartAsync(Chromium chromium, params (string Key, string Value)[] settings)
    {
        var app = new CrmApp();
        foreach (var (key, value) in settings)
        {
            app.With(key, value);
        }

        try
        {
            // Port 0: the factory binds http://127.0.0.1:0 ahead of Program's default "urls", so
            // parallel runs never collide; the address Kestrel actually bound is read back below.
            app.UseKestrel(0);
            app.StartServer();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

            var context = await NewContextAsync(chromium.Browser, address);
            return new Journey(app, address, chromium.Browser, context, await context.NewPageAsync());
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A second person's browser on the same server: a context of its own, so no cookie is shared
    /// with <see cref="Page"/>, and errors recorded under <paramref name="who"/> so that
    /// <see cref="AssertNoErrors"/> covers both people. Closed with the journey.
    /// </summary>
    public async Task<IPage> OpenSecondBrowserAsync(string who)
    {
        var context = await NewContextAsync(_browser, Address);
        _contexts.Add(context);

        var page = await context.NewPageAsync();
        Watch(page, who);
        return page;
    }

    /// <summary>The absolute address of <paramref name="path"/>, as the browser's address bar shows it.</summary>
    public string Url(string path) => new Uri(Address, path).ToString();

    /// <summary>A form field by its exact label, on <see cref="Page"/> or on <paramref name="on"/> (a second browser).</summary>
    public ILocator Field(string label, IPage? on = null) => (on ?? Page).GetByLabel(label, new() { Exact = true });

    public ILocator Button(string name, IPage? on = null) => (on ?? Page).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async Task SignInAsync(string email, string password, IPage? on = null)
    {
        await (on ?? Page).GotoAsync("/account/sign-in");
        await Field("Email", on).FillAsync(email);
        await Field("Password", on).FillAsync(password);
        await Button("Sign in", on).ClickAsync();
    }

    /// <summary>
    /// Opens a page the person may not see and checks that it is refused with
    /// <paramref name="status"/>. Chromium logs every document answered 4xx as a console error;
    /// that one message is expected, so it alone is not held against the journey.
    /// </summary>
    public async Task GotoRefusedAsync(string path, int status, IPage? on = null)
    {
        var url = Url(path);
        lock (_gate)
        {
            // Registered before the navigation: the console message may arrive before GotoAsync returns.
            _expectedRefusals.Add((url, status));
        }

        var response = await (on ?? Page).GotoAsync(path);
        Assert.True(response?.Status == status, $"{path} answered {response?.Status}, not {status}.");
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

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri address)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = address.ToString(),
            ViewportSize = new() { Width = 1280, Height = 800 },
            // Bootstrap scrolls smoothly unless the person asks for reduced motion. A click on a button
            // below the fold then scrolls it into view in steps, and on a loaded machine Playwright
            // has clicked where the button was a moment before: nothing was posted (the custom-field
            // journey's save never reached the server in two CI runs). Reduced motion jumps instead.
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(Patience);
        return context;
    }

    private void Watch(IPage page, string who)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsExpectedRefusal(message))
            {
                Record($"{who}: console error at {message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"{who}: uncaught error: {error}");
    }

    private bool IsExpectedRefusal(IConsoleMessage message)
    {
        lock (_gate)
        {
            // Chromium's wording, located at the refused document: "…responded with a status of 403 (Forbidden)".
            var index = _expectedRefusals.FindIndex(e =>
                message.Location.StartsWith(e.Url + ":", StringComparison.Ordinal)
                && message.Text.Contains($"the server responded with a status of {e.Status} (", StringComparison.Ordinal));
            if (index < 0)
            {
                return false;
            }

            // Used up: a second refusal of the same page is not covered by this expectation.
            _expectedRefusals.RemoveAt(index);
            return true;
        }
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
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await App.DisposeAsync();
    }
}
