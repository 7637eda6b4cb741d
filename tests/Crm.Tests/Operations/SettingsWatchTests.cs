using System.Diagnostics;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Operations;

/// <summary>
/// The app as the one-command start runs it: the SQLite database inside the content root. The
/// settings files are reloaded by polling, so the app subscribes to no file-system events and its
/// own database writes do not wake it (<see cref="Crm.Web.Operations.SettingsFiles"/>).
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class SettingsWatchTests
{
    [Fact]
    public async Task The_app_watches_no_folder_so_its_database_writes_do_not_wake_it()
    {
        var folder = Directory.CreateTempSubdirectory("crm-settings-watch-");
        var start = AppProcess.In(folder, SmtpServer.FreePort());
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Now listening on"
        // As an operator starts it: no switch of the test run's own about file watching.
        start.Environment.Remove("DOTNET_USE_POLLING_FILE_WATCHER");
        start.Environment.Remove("DOTNET_hostBuilder__reloadConfigOnChange");
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
