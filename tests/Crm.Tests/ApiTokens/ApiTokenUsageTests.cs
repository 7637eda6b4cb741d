using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.ApiTokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.Tests.ApiTokens;

/// <summary>
/// A token's use is counted in memory and written in batches (ADR 0028): requests leave the
/// database alone until a flush, which adds to what is stored (so several instances each add their
/// own); the list shows the last 30 days and flags a jump in use; daily figures go after 90 days.
/// </summary>
public sealed class ApiTokenUsageTests
{
    [Fact]
    public async Task Requests_write_nothing_until_a_flush_adds_them_per_day_and_the_list_shows_them()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password, name: "Leads sync");
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "Make.com - Leads sync", sync.Id);
        var id = created.GetProperty("id").GetGuid();
        var integration = TokenKit.Integration(app, created.GetProperty("token").GetString()!);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await integration.GetAsync("/api/v1/companies/987654")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await integration.GetAsync("/api/v1/contacts/987654")).StatusCode);

        // Seven requests, and not one write: the token's row and the daily figures are as they were.
        var stored = await app.InDatabaseAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id));
        Assert.Equal(0, stored.UseCount);
        Assert.Null(stored.LastUsedAt);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.CountAsync()));

        var firstDay = app.Clock.GetUtcNow().UtcDateTime;
        await TokenKit.FlushUsageAsync(app);
        stored = await app.InDatabaseAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id));
        Assert.Equal(7, stored.UseCount);
        Assert.Equal(firstDay, stored.LastUsedAt);
        var day = Assert.Single(await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.AsNoTracking().ToListAsync()));
        Assert.Equal((DateOnly.FromDateTime(firstDay), 7L, 2L), (day.Day, day.Requests, day.Errors));

        // A flush with nothing counted writes nothing; the next day gets a row of its own.
        await TokenKit.FlushUsageAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);
        }

        await TokenKit.FlushUsageAsync(app);
        admin = await app.SignInAsAdminAsync(); // a day later: the first session has expired
        var days = await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.AsNoTracking().OrderBy(u => u.Day).Select(u => new { u.Requests, u.Errors }).ToListAsync());
        Assert.Equal([(7L, 2L), (3L, 0L)], days.Select(d => (d.Requests, d.Errors)));

        var item = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/tokens")).RootElement.EnumerateArray().Single();
        Assert.Equal(10, item.GetProperty("useCount").GetInt64());
        Assert.Equal(10, item.GetProperty("requestsLast30Days").GetInt64());
        Assert.Equal(2, item.GetProperty("errorsLast30Days").GetInt64());
        Assert.False(item.GetProperty("highUse").GetBoolean());

        var (_, page) = await admin.GetPageAsync("/admin/tokens");
        var row = page.QuerySelectorAll("tbody tr").Single().TextContent;
        Assert.Contains("10 requests", row, StringComparison.Ordinal);
        Assert.Contains("2 errors", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_flushing_the_same_token_and_day_each_add_their_counts()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var created = await TokenKit.CreateByApiAsync(admin, "ERP", sync.Id);
        var id = created.GetProperty("id").GetGuid();
        var integration = TokenKit.Integration(app, created.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/v1/me")).StatusCode);

        // A second instance over the same database: its own counter, its own flushes.
        using var other = new ApiTokenUsage(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, NullLogger<ApiTokenUsage>.Instance);
        for (var i = 0; i < 4; i++)
        {
            other.Count(id, 200);
        }

        other.Count(id, 500);
        await other.FlushAsync(CancellationToken.None);
        await TokenKit.FlushUsageAsync(app);
        other.Count(id, 200);
        await other.FlushAsync(CancellationToken.None);

        Assert.Equal(7, await app.InDatabaseAsync(db => db.ApiTokens.Where(t => t.Id == id).Select(t => t.UseCount).SingleAsync()));
        var day = await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.AsNoTracking().SingleAsync());
        Assert.Equal((7L, 1L), (day.Requests, day.Errors));

        // Counts for a token that no longer exists are dropped, not kept failing every flush.
        other.Count(Guid.NewGuid(), 200);
        await other.FlushAsync(CancellationToken.None);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.CountAsync()));
    }

    [Fact]
    public async Task A_jump_in_use_is_flagged_on_the_list_and_figures_older_than_90_days_are_pruned()
    {
        await using var app = new CrmApp();
        var sync = await app.CreateUserAsync("sync@crm.test", TokenKit.Password);
        var admin = await app.SignInAsAdminAsync();
        var steady = (await TokenKit.CreateByApiAsync(admin, "Steady ERP", sync.Id)).GetProperty("id").GetGuid();
        var runaway = (await TokenKit.CreateByApiAsync(admin, "Runaway script", sync.Id)).GetProperty("id").GetGuid();
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await app.InDatabaseAsync(async db =>
        {
            for (var back = 1; back <= 30; back++)
            {
                db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = steady, Day = today.AddDays(-back), Requests = 200 });
                db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = runaway, Day = today.AddDays(-back), Requests = 200 });
            }

            db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = steady, Day = today, Requests = 1_900 });
            db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = runaway, Day = today, Requests = 2_100, Errors = 40 });
            db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = steady, Day = today.AddDays(-91), Requests = 5 });
            return await db.SaveChangesAsync();
        });

        var items = JsonDocument.Parse(await admin.Http.GetStringAsync("/api/v1/tokens")).RootElement.EnumerateArray()
            .ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.False(items["Steady ERP"].GetProperty("highUse").GetBoolean());
        Assert.True(items["Runaway script"].GetProperty("highUse").GetBoolean());
        Assert.Equal(2_100 + 29 * 200, items["Runaway script"].GetProperty("requestsLast30Days").GetInt64());
        var (_, page) = await admin.GetPageAsync("/admin/tokens");
        Assert.Contains("Unusually high use", page.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("Runaway script", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Unusually high use", page.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("Steady ERP", StringComparison.Ordinal)).TextContent, StringComparison.Ordinal);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PruneApiTokenUsage>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(62, await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.CountAsync()));
        Assert.Equal(today.AddDays(-30), await app.InDatabaseAsync(db => db.ApiTokenDailyUsage.MinAsync(u => u.Day)));
    }

    public static TheoryData<string, long[], long, bool> HighUseCases => new()
    {
        // The baseline is the median day of the 30 before (a missing day is a day without use), at least 10.
        { "steady 200 a day, 1,999 today", [.. Enumerable.Repeat(200L, 30)], 1_999, false },
        { "steady 200 a day, 2,001 today", [.. Enumerable.Repeat(200L, 30)], 2_001, true },
        { "new token, 99 today", [], 99, false },
        { "new token, 101 today", [], 101, true },
        { "one busy day in thirty does not raise the median", [.. Enumerable.Repeat(10L, 9), 5_000L, .. Enumerable.Repeat(10L, 20)], 150, true },
        { "busy every other day, idle yesterday", [.. Enumerable.Range(0, 30).Select(i => i % 2 == 1 ? 1_000L : 0L)], 4_000, false },
        { "a jump yesterday counts until tomorrow", [2_500L, .. Enumerable.Repeat(200L, 29)], 0, true },
    };

    [Theory]
    [MemberData(nameof(HighUseCases))]
    public void High_use_is_more_than_ten_times_the_usual_day(string story, long[] daysBefore, long todays, bool high)
    {
        var today = new DateOnly(2026, 12, 5);
        var perDay = daysBefore.Select((requests, back) => (Day: today.AddDays(-(back + 1)), requests)).ToDictionary(d => d.Day, d => d.requests);
        perDay[today] = todays;
        Assert.True(ListApiTokens.IsHighUse(perDay, today) == high, story);
    }
}
