using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Crm.Tests.Operations;

/// <summary>
/// The app as the one-command start runs it: the SQLite database inside the content root. The
/// settings files are reloaded by polling, so the app subscribes to no file-system events and its
/// own database writes do not wake it (<see cref="Crm.Web.Operations.SettingsFiles"/>).
/// </summary>
public sealed class SettingsWatchTests
{
    [Fact]
    public async Task The_app_watches_no_folder_so_its_database_writes_do_not_wake_it()
    {
        var folder = Directory.CreateTempSubdirectory("crm-settings-watch-");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Now listening on"
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Crm.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        // As an operator starts it: no switch of the test run's own about file watching.
        start.Environment.Remove("DOTNET_USE_POLLING_FILE_WATCHER");
        start.Environment.Remove("DOTNET_hostBuilder__reloadConfigOnChange");
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Crm"] = "Data Source=data/crm.db";
        start.Environment["CRM_ADMIN_EMAIL"] = "admin@crm.test";
        start.Environment["CRM_ADMIN_PASSWORD"] = "settings watch passphrase 2026";
        start.Environment["Files__Root"] = Path.Combine(folder.FullName, "data", "files");
        using var app = Process.Start(start)!;
        try
        {
            await WaitUntilListeningAsync(app);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "data", "crm.db")));

            Assert.Empty(FileWatches(app));
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// inotify is how .NET subscribes to file events on Linux: each watch is an "inotify" line in
    /// the fdinfo of the process's inotify descriptor.
    /// </summary>
    private static List<string> FileWatches(Process app)
    {
        var watches = new List<string>();
        foreach (var descriptor in Directory.GetFiles($"/proc/{app.Id}/fdinfo"))
        {
            try
            {
                watches.AddRange(File.ReadLines(descriptor).Where(line => line.StartsWith("inotify ", StringComparison.Ordinal)));
            }
            catch (IOException)
            {
                // The descriptor was closed after the listing (a database or socket handle): not a watch.
            }
        }

        return watches;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Reads the app's console until the host says it listens (after the migrations and the first administrator).</summary>
    private static async Task WaitUntilListeningAsync(Process app)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await app.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.Contains("Now listening on", StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail("the app stopped before it listened: " + await app.StandardError.ReadToEndAsync(limit.Token));
    }
}
