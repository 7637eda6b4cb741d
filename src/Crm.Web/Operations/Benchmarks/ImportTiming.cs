using System.Diagnostics;
using System.Globalization;
using System.Text;
using Crm.Web.Data;
using Crm.Web.Features.Import;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Operations.Benchmarks;

/// <summary>
/// <c>dataset time-import</c>: what an import of contacts costs (issue 26). As the first administrator
/// it uploads a file of new contacts (written by <c>dataset import-file</c>: CSV or xlsx, as the
/// template names the columns) and times the check (every row through the save, rolled back), the
/// import (committed) and the undo, each run in this process as the import worker runs it; then the
/// process's peak memory. The file is written by a process of its own so that the memory its writing
/// takes is not counted as the import's. Used by <c>bench/import.sh</c>.
/// </summary>
public static class ImportTiming
{
    public static async Task<int> RunAsync(IServiceProvider services, byte[] content, string format, TextWriter output)
    {
        Actor actor;
        int runId;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var administrator = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive)
                .OrderBy(u => u.CreatedAt).Select(u => new { u.Id, u.FullName }).FirstOrDefaultAsync();
            if (administrator is null)
            {
                await Console.Error.WriteLineAsync("No active administrator to import as.");
                return 1;
            }

            actor = new Actor(ActorKind.User, administrator.Id, IsAdministrator: true, administrator.FullName);
            await output.WriteLineAsync($"File: {format}, {content.Length / 1024.0 / 1024.0:0.0} MB; {await db.Contacts.CountAsync():N0} contacts before.");
            var started = await scope.ServiceProvider.GetRequiredService<StartImport>().RunAsync(actor, "contacts", "contacts." + format, content, CancellationToken.None);
            if (!started.IsOk)
            {
                await Console.Error.WriteLineAsync($"The file was refused: {string.Join(" ", started.Errors.SelectMany(e => e.Value))}");
                return 1;
            }

            runId = started.Value!.Id;
        }

        // The peak so far after each step: the process's peak is the highest of them, and this says which step reached it.
        using var process = Process.GetCurrentProcess();
        double PeakMegabytes()
        {
            process.Refresh();
            return process.PeakWorkingSet64 / 1024.0 / 1024.0;
        }

        var beforeSteps = PeakMegabytes();
        var checkSeconds = await StepAsync(services, runId, s => s.GetRequiredService<CheckImport>().RunAsync(actor, runId, new ImportChoices(null, ImportModes.Create, null), CancellationToken.None));
        var afterCheck = await RunAsync(services, runId);
        var rows = afterCheck.RowCount;
        var checkPeak = PeakMegabytes();
        var importSeconds = await StepAsync(services, runId, s => s.GetRequiredService<ConfirmImport>().RunAsync(actor, runId, CancellationToken.None));
        var afterImport = await RunAsync(services, runId);
        var importPeak = PeakMegabytes();
        var undoSeconds = await StepAsync(services, runId, s => s.GetRequiredService<UndoImport>().RequestAsync(actor, runId, CancellationToken.None));
        var afterUndo = await RunAsync(services, runId);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            Check (validate + dry run, rolled back): {checkSeconds:0.0} s, {rows / checkSeconds:0} rows/s; {afterCheck.Created:N0} would be created, {afterCheck.Failed:N0} refused.
            Import (committed, audited): {importSeconds:0.0} s, {rows / importSeconds:0} rows/s; status {afterImport.Status}, {afterImport.Created:N0} created.
            Undo (each record deleted through its module): {undoSeconds:0.0} s, {rows / undoSeconds:0} rows/s; status {afterUndo.Status}.
            Peak working set of the process: {PeakMegabytes():0} MB (peak so far: {beforeSteps:0} MB with the file read and uploaded, {checkPeak:0} MB after the check, {importPeak:0} MB after the import).
            """));
        return afterImport.Status == ImportStatuses.Imported && afterUndo.Status == ImportStatuses.Undone ? 0 : 1;
    }

    /// <summary>Starts a step as the API would, then runs it to its end as the worker would; its seconds.</summary>
    private static async Task<double> StepAsync(IServiceProvider services, int runId, Func<IServiceProvider, Task<Web.Result<ImportRun>>> start)
    {
        await using var scope = services.CreateAsyncScope();
        var started = await start(scope.ServiceProvider);
        if (!started.IsOk)
        {
            throw new InvalidOperationException($"Import {runId}: {started.Message} {string.Join(" ", started.Errors.SelectMany(e => e.Value))}");
        }

        var clock = Stopwatch.GetTimestamp();
        await services.GetRequiredService<ImportWorker>().RunNextAsync(CancellationToken.None);
        return Stopwatch.GetElapsedTime(clock).TotalSeconds;
    }

    private static async Task<ImportRun> RunAsync(IServiceProvider services, int runId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDb>().ImportRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
    }

    /// <summary>A file of <paramref name="rows"/> new contacts, as <c>dataset import-file</c> writes it.</summary>
    public static async Task<byte[]> FileAsync(int rows, string format)
    {
        var headers = new[] { "First name", "Last name", "Email", "Phone", "Job title" };
        IReadOnlyList<string?> Row(int i) => [$"Imported{i % 997}", $"Person {i}", $"imported.person.{i}@bench.example", $"+44 20 7946 {i % 10000:0000}", i % 3 == 0 ? "Buyer" : null];
        if (format == "csv")
        {
            var csv = new StringBuilder(string.Join(',', headers)).Append("\r\n");
            for (var i = 1; i <= rows; i++)
            {
                csv.AppendJoin(',', Row(i)).Append("\r\n");
            }

            return Encoding.UTF8.GetBytes(csv.ToString());
        }

        var table = new TableExport("contacts", headers, _ => Enumerable.Range(1, rows).Select(Row).ToAsyncEnumerable());
        using var buffer = new MemoryStream();
        await table.WriteAsync(buffer, ExportFormat.Xlsx, CancellationToken.None);
        return buffer.ToArray();
    }
}
