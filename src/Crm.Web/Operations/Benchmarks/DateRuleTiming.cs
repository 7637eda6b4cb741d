using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Crm.Web.Data;
using Crm.Web.Features.Automation;
using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Operations.Benchmarks;

/// <summary>
/// <c>dataset time-date-rules</c>: what a date rule costs the scheduler at scale. It saves the
/// shipped "deal closing in 7 days" rule, enabled, as the first administrator; times the first pass
/// of <see cref="FireDateRules"/> (evaluating and logging what is due today), then passes with
/// nothing left to fire (the case of every pass but the first of a day), and prints the plan of the
/// query that finds what is due. Used by <c>bench/date-rules.sh</c>.
/// </summary>
public static partial class DateRuleTiming
{
    public static async Task<int> RunAsync(IServiceProvider services, int rounds, TextWriter output)
    {
        Guid rule;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var administrator = await db.Users.AsNoTracking().Where(u => u.IsAdministrator && u.IsActive)
                .OrderBy(u => u.CreatedAt).Select(u => new { u.Id, u.FullName }).FirstOrDefaultAsync();
            if (administrator is null)
            {
                await Console.Error.WriteLineAsync("No active administrator to own the rule.");
                return 1;
            }

            var actor = new Actor(ActorKind.User, administrator.Id, IsAdministrator: true, administrator.FullName);
            var template = AutomationTemplates.Find("deal-closing")!;
            var saved = await scope.ServiceProvider.GetRequiredService<SaveAutomationRule>()
                .RunAsync(actor, null, template.Rule with { AutomationUserId = administrator.Id, Enabled = true }, CancellationToken.None);
            if (!saved.IsOk)
            {
                await Console.Error.WriteLineAsync($"The rule was refused: {saved.Message} {string.Join(" ", saved.Errors.SelectMany(e => e.Value))}");
                return 1;
            }

            rule = saved.Value;
            await output.WriteLineAsync($"Deals: {await db.Deals.CountAsync():N0}, {await db.Deals.CountAsync(d => d.ExpectedClose != null):N0} with an expected close.");
            await output.WriteLineAsync($"Plan of the query that finds what is due ({db.Database.ProviderName}):");
            foreach (var line in await PlanAsync(scope.ServiceProvider, db, rule))
            {
                await output.WriteLineAsync("    " + line);
            }
        }

        var first = Stopwatch.GetTimestamp();
        await PassAsync(services);
        var firstMs = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
        var fired = await CountAsync(services, rule);

        var latencies = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await PassAsync(services);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        double At(double share) => latencies[Math.Min(latencies.Count - 1, (int)(share * latencies.Count))];
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            First pass of the day: {firstMs:0} ms, {fired} deals due and evaluated ({(fired == 0 ? 0 : firstMs / fired):0.0} ms each: read as the automation user, run and actions logged).
            Passes with nothing left to fire, {rounds} rounds: p50 {At(0.5):0.00} ms, p95 {At(0.95):0.00} ms, max {latencies[^1]:0.00} ms.
            """));
        return 0;
    }

    /// <summary>One pass of the job as the scheduler runs it: a scope of its own.</summary>
    private static async Task PassAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FireDateRules>().RunAsync(CancellationToken.None);
    }

    private static async Task<int> CountAsync(IServiceProvider services, Guid rule)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CrmDb>().Set<AutomationOccurrence>().CountAsync(o => o.RuleId == rule);
    }

    /// <summary>The database's plan of the due query, its parameters written in as the job passes them today.</summary>
    private static async Task<List<string>> PlanAsync(IServiceProvider services, CrmDb db, Guid id)
    {
        var rule = await db.Set<AutomationRule>().AsNoTracking().SingleAsync(r => r.Id == id);
        var (first, today) = await FireDateRules.DueDaysAsync(rule, services.GetRequiredService<OrganisationCalendar>(),
            services.GetRequiredService<IOptionsMonitor<AutomationOptions>>().CurrentValue, CancellationToken.None);
        var offset = rule.TriggerOffsetDays ?? 0;
        var query = DateTriggers.Find(rule.Module, rule.TriggerField)!
            .Unfired(db, rule.Id, FireDateRules.Shift(first, -offset), FireDateRules.Shift(today, -offset)).Take(FireDateRules.Batch);
        var text = query.ToQueryString();
        var values = new Dictionary<string, string>();
        foreach (Match m in ParameterLine().Matches(text))
        {
            values[m.Groups["name"].Value] = m.Groups["value"].Value;
        }

        var sql = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var (name, value) in values.OrderByDescending(v => v.Key.Length))
        {
            sql = sql.Replace(name, $"'{value}'", StringComparison.Ordinal);
        }

        var explain = db.Database.IsNpgsql() ? "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " : "EXPLAIN QUERY PLAN ";
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = explain + sql;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        }

        return lines;
    }

    // "-- @from='2026-12-12' (DbType = Date)" (Npgsql) or ".param set @from '2026-12-12'" (SQLite).
    [GeneratedRegex(@"^(?:--\s*|\.param set\s+)(?<name>@\w+)\s*=?\s*'(?<value>[^']*)'", RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ParameterLine();
}
