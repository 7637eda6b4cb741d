using System.Diagnostics;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Tests.Operations;
using Crm.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Import;

/// <summary>
/// An import survives its process being killed (issue 26): the app runs as a process of its own on
/// the test's database, takes a confirmed import and is killed (SIGKILL) in the middle of it. The
/// database then holds no row of it; started again, the app takes the import over once its lease has
/// run out and imports it to the end, never half.
/// </summary>
public sealed class ImportKilledTests
{
    private const int Rows = 30_000;

    [Fact]
    public async Task A_process_killed_mid_import_leaves_nothing_and_the_restarted_app_finishes_it()
    {
        await using var app = new ImportApp();
        var adminId = await app.AdminIdAsync();
        var csv = new StringBuilder("First name,Last name,Email\r\n");
        for (var i = 1; i <= Rows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Kim,Killed {i},kim{i}@killed.example\r\n");
        }

        // A confirmed import, waiting for a worker (as ConfirmImport leaves it).
        var runId = await app.InDatabaseAsync(async db =>
        {
            var run = new ImportRun
            {
                Module = "contacts", FileName = "killed.csv", FileKind = "csv", Headers = """["First name","Last name","Email"]""",
                Mapping = """{"First name":"firstName","Last name":"lastName","Email":"email"}""", Mode = ImportModes.Create,
                Status = ImportStatuses.Importing, RowCount = Rows, CreatedById = adminId, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            db.ImportRuns.Add(run);
            await db.SaveChangesAsync();
            db.ImportFiles.Add(new ImportFile { RunId = run.Id, Content = Encoding.UTF8.GetBytes(csv.ToString()) });
            await db.SaveChangesAsync();
            return run.Id;
        });

        var folder = Directory.CreateTempSubdirectory("crm-import-killed-");
        try
        {
            using (var first = Start(app, folder))
            {
                // Killed once it holds the import and is some way into it.
                await WaitForAsync(app, first, async db => await db.ImportRuns.AnyAsync(r => r.Id == runId && r.LeaseUntil != null), "the worker to take the import");
                await Task.Delay(TimeSpan.FromMilliseconds(1500));
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }

            var (status, contacts, entries) = await app.InDatabaseAsync(async db => (
                await db.ImportRuns.Where(r => r.Id == runId).Select(r => r.Status).SingleAsync(),
                await db.Contacts.CountAsync(c => c.Email!.EndsWith("@killed.example")),
                await db.AuditEntries.CountAsync(e => e.RequestId == ImportRuns.RequestIdOf(runId))));
            Assert.Equal(ImportStatuses.Importing, status); // killed before the end
            Assert.Equal(0, contacts);
            Assert.Equal(0, entries);

            using var second = Start(app, folder);
            try
            {
                await WaitForAsync(app, second, async db => await db.ImportRuns.AnyAsync(r => r.Id == runId && r.Status == ImportStatuses.Imported), "the restarted app to finish the import");
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }

            Assert.Equal(Rows, await app.InDatabaseAsync(db => db.Contacts.CountAsync(c => c.Email!.EndsWith("@killed.example"))));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The app as a process on the test's database, its import lease short so a restart takes the import over within seconds.</summary>
    private static Process Start(CrmApp app, DirectoryInfo folder)
    {
        var start = AppProcess.In(folder, SmtpServer.FreePort());
        start.Environment["Database__Provider"] = TestDatabase.ProviderName;
        start.Environment["ConnectionStrings__Crm"] = app.Database.ConnectionString;
        start.Environment["Import__LeaseSeconds"] = "5";
        start.Environment["Scheduler__Enabled"] = "false";
        var process = Process.Start(start)!;
        // Its log is not the test's: read and dropped, so the pipes never fill.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForAsync(CrmApp app, Process process, Func<Crm.Web.Data.CrmDb, Task<bool>> condition, string what)
    {
        // The app process keeps real time; so does this wait.
        var waited = Stopwatch.StartNew();
        while (!await app.InDatabaseAsync(condition))
        {
            Assert.False(process.HasExited, $"The app exited (code {(process.HasExited ? process.ExitCode : 0)}) while waiting for {what}.");
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), $"Timed out waiting for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
