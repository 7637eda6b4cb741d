using System.Text.Json;
using Crm.Web.Features.Automation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Automation.AutomationKit;

namespace Crm.Tests.Automation;

/// <summary>The run log keeps Automation:RunLogDays (30 by default); a run whose action still waits for a retry stays until it is done.</summary>
public sealed class AutomationRunLogTests
{
    [Fact]
    public async Task Runs_older_than_the_retention_go_with_their_actions_unless_an_action_still_waits()
    {
        await using var app = App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var rule = await CreateRuleAsync(admin, JsonSerializer.Serialize(new
        {
            name = "Note new leads", module = "leads", trigger = "created", enabled = true, automationUserId = adminId,
            actions = new object[] { new { kind = "notify", recipients = "owner", title = "New lead {{id}}" } },
        }));
        var now = app.Clock.GetUtcNow().UtcDateTime;

        Guid Run(DateTime at, AutomationActionStatus? action, List<object> rows)
        {
            var run = new AutomationRun { Id = Guid.CreateVersion7(), RuleId = rule, RuleVersion = 1, Module = "leads", RecordId = 1, RecordLabel = "Lead", Trigger = "created", At = at, Matched = true };
            rows.Add(run);
            if (action is { } status)
            {
                rows.Add(new AutomationActionRun { Id = Guid.CreateVersion7(), RunId = run.Id, RuleId = rule, Position = 1, Kind = "notify", CreatedAt = at, Status = status });
            }

            return run.Id;
        }

        var rows = new List<object>();
        var oldDone = Run(now.AddDays(-31), AutomationActionStatus.Done, rows);
        var oldFailed = Run(now.AddDays(-31), AutomationActionStatus.Failed, rows);
        var oldUnmatched = Run(now.AddDays(-40), null, rows);
        var oldWaiting = Run(now.AddDays(-31), AutomationActionStatus.Pending, rows);
        var recent = Run(now.AddDays(-29), AutomationActionStatus.Done, rows);
        await app.InDatabaseAsync(db =>
        {
            db.AddRange(rows);
            return db.SaveChangesAsync();
        });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PruneAutomationRuns>().RunAsync(CancellationToken.None);
        }

        var runs = await app.InDatabaseAsync(db => db.Set<AutomationRun>().Select(r => r.Id).ToListAsync());
        Assert.Equal(new[] { oldWaiting, recent }.Order(), runs.Order());
        var actions = await app.InDatabaseAsync(db => db.Set<AutomationActionRun>().Select(a => a.RunId).ToListAsync());
        Assert.Equal(new[] { oldWaiting, recent }.Order(), actions.Order());
        Assert.DoesNotContain(oldDone, runs);
        Assert.DoesNotContain(oldFailed, runs);
        Assert.DoesNotContain(oldUnmatched, runs);
    }
}
