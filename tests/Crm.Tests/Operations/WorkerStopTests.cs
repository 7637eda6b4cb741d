using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Files;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.Operations;

/// <summary>
/// The background workers end as an ordinary stop when the host cancels them, also after a failed
/// start (the port taken, say), where the host cancels them without stopping them and disposes the
/// services: the operator's log then shows the real error, not a crashed worker on top of it.
/// </summary>
public sealed class WorkerStopTests
{
    [Fact]
    public async Task The_file_sweeper_ends_without_an_error_when_cancelled_without_a_stop()
    {
        await using var app = new CrmApp();
        using var log = new CapturedLog();
        using var sweeper = new FileSweeper(app.Services.GetRequiredService<IServiceScopeFactory>(), new Logger<FileSweeper>(new LoggerFactory([log])));
        await sweeper.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1)); // its first sweep done, it waits for the next

        // What a failed start does to a worker: its token is cancelled, StopAsync never runs.
        sweeper.Dispose();
        var ended = await Record.ExceptionAsync(() => sweeper.ExecuteTask!);

        Assert.Null(ended);
        Assert.True(sweeper.ExecuteTask!.IsCompletedSuccessfully);
        Assert.DoesNotContain(log.Lines, line => line.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_audit_sealer_ends_without_a_warning_when_its_services_are_gone()
    {
        using var log = new CapturedLog();
        // The round is held where it asks for the database, so that the host's failed start lands in
        // the middle of it every time (waiting a fixed while instead let a slow machine reach the
        // round before the services were gone, and the test then saw a real failure).
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var gone = new ManualResetEventSlim();
        var services = new ServiceCollection()
            .AddScoped<CrmDb>(_ =>
            {
                asked.TrySetResult();
                gone.Wait();
                throw new ObjectDisposedException(nameof(IServiceProvider));
            })
            .BuildServiceProvider();
        using var sealer = new AuditSealer(services.GetRequiredService<IServiceScopeFactory>(), new Logger<AuditSealer>(new LoggerFactory([log])));
        await sealer.StartAsync(CancellationToken.None);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // After a failed start the host disposes the services and cancels the worker.
        await services.DisposeAsync();
        sealer.Dispose();
        gone.Set();
        await sealer.ExecuteTask!;

        Assert.True(sealer.ExecuteTask!.IsCompletedSuccessfully);
        Assert.DoesNotContain(log.Lines, line => line.Level >= LogLevel.Warning);
    }
}

/// <summary>The app as an operator starts it, on a port another program holds.</summary>
public sealed class FailedStartTests
{
    [Fact]
    public async Task A_taken_port_ends_the_app_with_its_error_and_exit_code_1_and_nothing_else()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var folder = Directory.CreateTempSubdirectory("crm-failed-start-");
        try
        {
            var start = AppProcess.In(folder, port);
            using var app = System.Diagnostics.Process.Start(start)!;
            var output = app.StandardOutput.ReadToEndAsync();
            var errors = app.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await app.WaitForExitAsync(limit.Token);
            var log = await output + await errors;

            Assert.Equal(1, app.ExitCode);
            Assert.Contains("Failed to bind", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
            Assert.DoesNotContain("BackgroundService failed", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Sealing the audit trail failed", log, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
