using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Operations;

/// <summary>
/// The command line of <c>Crm.Web</c>: <c>--help</c>, <c>--demo</c>, and maintenance commands
/// that run instead of the web server.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        CRM web application

        Usage:
          dotnet run --project src/Crm.Web [-- options]
          dotnet run --project src/Crm.Web -- <command>
          dotnet /opt/crm/Crm.Web.dll [options | <command>]      (published with dotnet publish)

        Options:
          --urls <urls>            Where to listen (default http://localhost:5080).
          --demo                   Add a small demo organisation (same as Crm:DemoData=true).
          --Database:Provider=Postgres --ConnectionStrings:Crm="Host=...;Database=...;Username=...;Password=..."
                                   Use PostgreSQL instead of the default SQLite file crm.db in the
                                   data folder.
          --Crm:DataFolder=<folder>
                                   Where the SQLite file, uploaded files and the Data Protection key
                                   file go unless set one by one (default: data, in the content root).
          --contentRoot <folder>   Where appsettings.json and wwwroot are read from and relative paths
                                   start. Default: the working folder if it holds an appsettings.json
                                   (src/Crm.Web under dotnet run), else the app's own folder.
          --help                   Show this text.

        Commands:
          db model-script          Print the CREATE script of the current model for the configured
                                   provider (the reference when writing a migration by hand).
          db migrate               Apply pending migrations and exit.
          audit verify             Seal the entries still waiting for their place in the audit trail's
                                   hash chain, then check the chain; names the first broken entry
                                   and exits with 1 if the trail was edited, cut or added to.
                                   The result is recorded for the health dashboard.

        Benchmark commands (for bench/, never on a production database):
          dataset generate [--departments 10] [--users 100] [--companies 200000] [--contacts 1000000] [--deals 300000]
                                   Fill an EMPTY database with a large organisation for benchmarks
                                   (users bench000@bench.example..., one shared password).
          dataset time-history <module> <id> [--seconds 10] [--callers 8]
                                   Time the first page of a record's history (the use case and its
                                   JSON, in this process) against the raw SQL query for the same
                                   entries, with parallel callers; for benchmarks.
          dataset time-date-rules [--rounds 200]
                                   Time a date rule's pass over the generated deals (7 days before
                                   the expected close): the first pass firing what is due today,
                                   then passes with nothing left to fire; prints the query plan.
          dataset time-custom-field-filter [--rounds 50]
                                   Add two contact fields (a number holding the company ID, a
                                   select with 1 % "gold"), fill them, and time the contact list
                                   filtered by the custom field against the built-in companyId.
          dataset import-file [--rows 100000] [--format csv|xlsx] --out FILE
                                   Write a file of new contacts for time-import.
          dataset time-import --file FILE
                                   Time an import of the file as the first administrator: the
                                   check, the import and the undo (rows/s), and peak memory.

        Environment:
          CRM_ADMIN_EMAIL, CRM_ADMIN_PASSWORD
                                   The first administrator, created on an empty database. Without
                                   them: admin@localhost with a temporary password printed once.
        """;

    /// <summary>Turns the friendly switches into configuration the host understands.</summary>
    public static string[] Normalize(string[] args) =>
        args.Select(a => a == "--demo" ? "--Crm:DemoData=true" : a).ToArray();

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Runs a command if the arguments name one; false when the web server should start.</summary>
    public static async Task<bool> TryRunCommandAsync(WebApplication app, string[] args)
    {
        if (args.Length >= 2 && args[0] == "dataset")
        {
            return await Benchmarks.DatasetCommand.RunAsync(app, args[1..]);
        }

        if (args.Length < 2 || args[0] is not ("db" or "audit"))
        {
            return false;
        }

        await using var scope = app.Services.CreateAsyncScope();
        if (args[0] == "audit")
        {
            return await RunAuditCommandAsync(scope.ServiceProvider, args[1]);
        }

        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        switch (args[1])
        {
            case "model-script":
                await Console.Out.WriteLineAsync(db.Database.GenerateCreateScript());
                return true;
            case "migrate":
                await db.Database.MigrateAsync();
                await Console.Out.WriteLineAsync("Database is up to date.");
                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command 'db {args[1]}'.\n\n{Usage}");
                Environment.ExitCode = 2;
                return true;
        }
    }

    private static async Task<bool> RunAuditCommandAsync(IServiceProvider services, string command)
    {
        if (command != "verify")
        {
            await Console.Error.WriteLineAsync($"Unknown command 'audit {command}'.\n\n{Usage}");
            Environment.ExitCode = 2;
            return true;
        }

        var report = await services.GetRequiredService<CheckAuditChain>().CheckAsync(CancellationToken.None);
        if (report.Intact)
        {
            await Console.Out.WriteLineAsync(
                $"Audit trail intact: {report.Checked} entries checked{(report.Redacted > 0 ? $", {report.Redacted} with redacted values (still chained)" : "")}{(report.Pruned > 0 ? $", {report.Pruned} removed by retention (bridged by their anchors)" : "")}.");
            return true;
        }

        await Console.Error.WriteLineAsync($"Audit trail BROKEN at entry {report.FirstBrokenId}: {report.Problem}. {report.Checked} entries before it are intact.");
        Environment.ExitCode = 1;
        return true;
    }
}
