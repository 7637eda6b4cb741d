using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Operations;

/// <summary>
/// The app as an operator installs it: <c>dotnet publish</c> output copied to a folder of its own
/// (<c>/opt/crm</c>) and started as a service starts it, <c>dotnet /opt/crm/Crm.Web.dll</c> from
/// another working folder. It must read its own <c>appsettings.json</c>, serve its own
/// <c>wwwroot</c> and keep the shipped log levels (no SQL in the log).
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class PublishedAppTests(PublishedApp published) : IClassFixture<PublishedApp>
{
    private const string OperatorsHost = "crm.example";

    [Fact]
    public async Task Started_from_another_folder_the_published_app_reads_its_own_settings_and_serves_its_own_styles_and_scripts()
    {
        using var install = published.Install();
        // The operator's edit to the installed settings file: only this host name is served.
        var settingsFile = Path.Combine(install.App.FullName, "appsettings.json");
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(settingsFile))!;
        settings["AllowedHosts"] = OperatorsHost;
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());

        await using var app = await RunningApp.StartAsync(install);

        Assert.Equal(HttpStatusCode.BadRequest, (await app.GetAsync("/health/live", host: null)).StatusCode);
        var signIn = await app.GetAsync("/account/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var page = await PageClient.ParseAsync(await signIn.Content.ReadAsStringAsync());
        var stylesheets = page.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!).ToList();
        var scripts = page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).ToList();
        Assert.True(stylesheets.Count >= 2, "the Bootstrap and the CRM's stylesheets");
        Assert.NotEmpty(scripts);
        foreach (var stylesheet in stylesheets)
        {
            await AssertServedAsync(app, stylesheet, "text/css");
        }

        foreach (var script in scripts)
        {
            await AssertServedAsync(app, script, "text/javascript", "application/javascript");
        }

        // The data folder's default is under the app's folder; nothing lands in the working folder.
        Assert.True(File.Exists(Path.Combine(install.App.FullName, "data", "crm.db")));
        Assert.Empty(install.WorkingFolder.EnumerateFileSystemInfos());

        var log = await app.StopAsync();
        AssertShippedLogging(log);
    }

    [Fact]
    public async Task Without_its_settings_file_the_published_app_keeps_the_shipped_log_levels_and_puts_its_data_in_the_configured_folder()
    {
        using var install = published.Install();
        File.Delete(Path.Combine(install.App.FullName, "appsettings.json"));
        var dataFolder = Directory.CreateDirectory(Path.Combine(install.Root.FullName, "var-lib-crm"));

        await using var app = await RunningApp.StartAsync(install, ("Crm__DataFolder", dataFolder.FullName));
        var signIn = await app.GetAsync("/account/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);

        Assert.True(File.Exists(Path.Combine(dataFolder.FullName, "crm.db")));
        Assert.True(File.Exists(Path.Combine(dataFolder.FullName, "dataprotection.key")));
        Assert.False(Directory.Exists(Path.Combine(install.App.FullName, "data")));
        Assert.Empty(install.WorkingFolder.EnumerateFileSystemInfos());

        var log = await app.StopAsync();
        AssertShippedLogging(log);
    }

    private static async Task AssertServedAsync(RunningApp app, string url, params string[] contentTypes)
    {
        var response = await app.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        Assert.Contains(response.Content.Headers.ContentType?.MediaType ?? "(none)", contentTypes);
    }

    /// <summary>
    /// The console log as the shipped settings make it: JSON lines (their formatter), and no SQL
    /// (Entity Framework at Warning). The app ran its migrations and served pages, so at
    /// Information every statement would be there.
    /// </summary>
    private static void AssertShippedLogging(IReadOnlyList<string> log)
    {
        Assert.Contains(log, line => line.Contains("Now listening on", StringComparison.Ordinal));
        foreach (var line in log.Where(l => l.Length > 0))
        {
            Assert.True(IsJsonObject(line), "not a JSON log line: " + line);
        }

        foreach (var sql in new[] { "Executed DbCommand", "SELECT ", "INSERT INTO", "CREATE TABLE" })
        {
            Assert.DoesNotContain(log, line => line.Contains(sql, StringComparison.Ordinal));
        }
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The published app started as a service starts it, with its console captured.</summary>
    private sealed class RunningApp : IAsyncDisposable
    {
        private static readonly IHttpClientFactory s_clients = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

        private readonly Process _process;
        private readonly ConcurrentQueue<string> _log = new();
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HttpClient _http = s_clients.CreateClient();

        private RunningApp(Process process, int port)
        {
            _process = process;
            _http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        }

        public static async Task<RunningApp> StartAsync(Installation install, params (string Name, string Value)[] environment)
        {
            var port = SmtpServer.FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = install.WorkingFolder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(install.App.FullName, "Crm.Web.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            // As a service starts it: none of the test run's own hosting switches.
            string[] hostingSwitches = ["ASPNETCORE_", "DOTNET_ENVIRONMENT", "DOTNET_CONTENTROOT", "DOTNET_hostBuilder__", "DOTNET_USE_POLLING_FILE_WATCHER", "Logging__"];
            foreach (var name in start.Environment.Keys.Where(k => hostingSwitches.Any(s => k.StartsWith(s, StringComparison.OrdinalIgnoreCase))).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["CRM_ADMIN_EMAIL"] = "admin@crm.test";
            start.Environment["CRM_ADMIN_PASSWORD"] = "operator start passphrase 2026";
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var app = new RunningApp(Process.Start(start)!, port);
            app._process.OutputDataReceived += (_, e) => app.Read(e.Data);
            app._process.ErrorDataReceived += (_, e) => app.Read(e.Data);
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            var started = await Task.WhenAny(app._listening.Task, app._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
            if (started != app._listening.Task)
            {
                var log = await app.StopAsync();
                Assert.Fail("the app did not start listening:\n" + string.Join("\n", log));
            }

            return app;
        }

        private void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            _log.Enqueue(line);
            if (line.Contains("Now listening on", StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        }

        /// <summary>A GET with the host name the operator configured (or the address's own with <paramref name="host"/> null).</summary>
        public async Task<HttpResponseMessage> GetAsync(string url, string? host = OperatorsHost)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Host = host;
            return await _http.SendAsync(request);
        }

        /// <summary>Stops the app and returns everything it wrote to its console.</summary>
        public async Task<IReadOnlyList<string>> StopAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            return _log.ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _process.Dispose();
            _http.Dispose();
        }
    }
}

/// <summary>
/// <c>dotnet publish</c> of the app, once for the test class (from the build the tests run on:
/// same configuration, <c>--no-build</c>), copied afresh for each test.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("crm-published-");

    public PublishedApp()
    {

        var configuration = typeof(PublishedApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var publish = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "publish", Path.Combine("src", "Crm.Web"), "-c", configuration, "--no-build", "-nologo", "-o", _output.FullName },
        };
        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{output.GetAwaiter().GetResult()}\n{errors}");
        }
    }

    /// <summary>A fresh copy of the published app (its own <c>opt/crm</c>) and an empty, unrelated working folder.</summary>
    public Installation Install()
    {
        var root = Directory.CreateTempSubdirectory("crm-install-");
        var app = root.CreateSubdirectory(Path.Combine("opt", "crm"));
        foreach (var file in _output.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(app.FullName, Path.GetRelativePath(_output.FullName, file.FullName));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            file.CopyTo(target);
        }

        return new Installation(root, app, root.CreateSubdirectory("elsewhere"));
    }

    public void Dispose() => _output.Delete(recursive: true);
}

public sealed record Installation(DirectoryInfo Root, DirectoryInfo App, DirectoryInfo WorkingFolder) : IDisposable
{
    public void Dispose() => Root.Delete(recursive: true);
}
