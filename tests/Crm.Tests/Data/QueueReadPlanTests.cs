using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Automation;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Data;

/// <summary>
/// The outboxes and logs the background workers read (webhook deliveries and attempts, automation
/// runs, outgoing email, the audit trail) keep their finished rows for the retention period, so a
/// worker's query that reads the whole table gets slower with every row ever sent, and on SQLite
/// holds the one writer meanwhile. Every command one pass of each worker sends is explained here
/// with SQLite's own planner, which decides on the indexes alone (PostgreSQL's would rightly scan
/// the empty test tables); a full scan of one of those tables fails, naming the command. The
/// timing at volume is measured by bench/webhooks.sh, never here.
/// </summary>
public sealed partial class QueueReadPlanTests
{
    private static readonly string[] s_growing =
    [
        "WebhookDeliveries", "WebhookAttempts", "AutomationRuns", "AutomationActionRuns", "OutgoingEmails",
        "AuditEntries", "AuditPending", "AuditSeals", "Notifications",
    ];

    [Fact]
    public async Task One_pass_of_every_worker_reads_its_queues_through_indexes()
    {
        if (TestDatabase.IsPostgres)
        {
            return;
        }

        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = WebhookKit.App()
            .With("Automation:WorkerEnabled", "false")
            // Nothing listens there: each message fails at once, which still takes the whole claim and record path.
            .WithSmtp(SmtpServer.FreePort())
            .With("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        await WebhookKit.CreateAsync(admin, receiver.Url, adminId, ["contacts"], ["created"]);
        await AutomationKit.CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Welcome", module = "contacts", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "New: {{lastName}}" }, new { kind = "send-email", toField = "email", title = "Welcome", message = "Hello {{firstName}}." } },
        }));
        Assert.True((await admin.PostJsonAsync("/api/v1/contacts", """{"firstName":"Quinn","lastName":"Reader","email":"quinn.reader@crm.test"}""")).IsSuccessStatusCode);
        var before = app.Log.Lines.Count;

        Assert.Equal(1, await WebhookKit.DeliverAsync(app));
        await AutomationKit.SettleAsync(app);
        await app.QueueAsync("someone@crm.test", "Queued");
        Assert.True(await app.DrainAsync() >= 1);

        var commands = app.Log.Lines.Skip(before).Where(l => l.Category == "Microsoft.EntityFrameworkCore.Database.Command")
            .Select(l => CommandText(l.Message)).Where(sql => s_growing.Any(t => sql.Contains($"\"{t}\"", StringComparison.Ordinal))).Distinct().ToList();
        Assert.Contains(commands, c => c.Contains("\"WebhookDeliveries\"", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("\"AutomationActionRuns\"", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("\"OutgoingEmails\"", StringComparison.Ordinal));

        await using var scope = app.Services.CreateAsyncScope();
        var connection = scope.ServiceProvider.GetRequiredService<CrmDb>().Database.GetDbConnection();
        await connection.OpenAsync();
        var scans = new List<string>();
        foreach (var sql in commands.Where(c => !c.StartsWith("INSERT", StringComparison.Ordinal) && !EarlyStop(c)))
        {
            var tables = Alias().Matches(sql).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
            foreach (var table in s_growing)
            {
                tables.TryAdd(table, table);
            }

            foreach (var line in await PlanAsync(connection, sql))
            {
                if (FullScan().Match(line) is { Success: true } scan && tables.TryGetValue(scan.Groups[1].Value, out var table) && s_growing.Contains(table))
                {
                    scans.Add($"{table} read whole ({line}) by:\n{sql}");
                }
            }
        }

        Assert.True(scans.Count == 0, string.Join("\n\n", scans));
    }

    /// <summary>
    /// Statements SQLite reports as a scan that read next to nothing: an empty key list (EF writes
    /// <c>WHERE 0</c>, and no row is read), and the first rows in key order of an unfiltered
    /// table (the last seal, the oldest pending entries, whether any is pending).
    /// </summary>
    private static bool EarlyStop(string sql) =>
        sql.Contains("WHERE 0", StringComparison.Ordinal)
        || (!sql.Contains("WHERE", StringComparison.Ordinal) && (sql.Contains("LIMIT", StringComparison.Ordinal) || sql.Contains("EXISTS", StringComparison.Ordinal)));

    /// <summary>EF's "Executed DbCommand (…) […]" line, then the SQL; the capture appends the structured values after it.</summary>
    private static string CommandText(string message)
    {
        var text = message[..message.LastIndexOf(" elapsed=", StringComparison.Ordinal)];
        return text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>SQLite's plan of every statement of the command; parameters left unbound (NULL) do not change it.</summary>
    private static async Task<List<string>> PlanAsync(DbConnection connection, string sql)
    {
        var lines = new List<string>();
        foreach (var statement in sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s.Length > 0))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + statement;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(3));
            }
        }

        return lines;
    }

    [GeneratedRegex("\"(\\w+)\" AS \"(\\w+)\"")]
    private static partial Regex Alias();

    // "SCAN w" reads the table; "SCAN w USING INDEX …" reads an index in order, "SEARCH …" seeks.
    [GeneratedRegex("^SCAN (\\w+)$")]
    private static partial Regex FullScan();
}
