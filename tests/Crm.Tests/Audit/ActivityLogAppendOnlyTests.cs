using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Audit;

/// <summary>
/// The activity log is append-only in the database (issue 5): no UPDATE, no DELETE, no TRUNCATE,
/// except the retention job's deletes of old entries of one kind under the guard row.
/// </summary>
public sealed class ActivityLogAppendOnlyTests
{
    private static async Task<IReadOnlyList<RetentionOutcome>> PruneAsync(CrmApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PruneAuditTrail>().PruneAsync(CancellationToken.None);
    }

    private static async Task KeepSignInsAsync(PageClient admin, int days)
    {
        var response = await admin.Http.PutAsJsonAsync("/api/v1/settings/retention",
            new { periods = new[] { new { trail = RetentionTrails.Activity, kind = ActivityKinds.SignIn, keepDays = days } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Many sign-in lines at the current test time, written straight to the table.</summary>
    private static Task<int> AddSignInsAsync(CrmApp app, int count) => app.InDatabaseAsync(async db =>
    {
        var at = app.Clock.GetUtcNow().UtcDateTime;
        db.ActivityLog.AddRange(Enumerable.Range(0, count).Select(i => new ActivityEntry
        {
            At = at, Kind = ActivityKinds.SignIn, ActorName = "Generated", Summary = $"Generated sign-in {i}",
        }));
        return await db.SaveChangesAsync();
    });

    private static Task<Dictionary<string, int>> CountsAsync(CrmApp app) => app.InDatabaseAsync(async db =>
        await db.ActivityLog.GroupBy(a => a.Kind).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));

    private static Task<int> SqlAsync(CrmApp app, string sql) => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(sql));

    /// <summary>Runs <paramref name="sql"/> in a transaction that holds <paramref name="guard"/>, as the retention job would.</summary>
    private static Task<int> UnderGuardAsync(CrmApp app, AuditRetentionGuard guard, string sql) => app.InDatabaseAsync(async db =>
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.AuditRetentionGuard.Add(guard);
        await db.SaveChangesAsync();
        var changed = await db.Database.ExecuteSqlRawAsync(sql);
        await transaction.RollbackAsync();
        return changed;
    });

    [Fact]
    public async Task Updating_or_deleting_activity_entries_straight_in_sql_or_through_ef_is_refused()
    {
        await using var app = new CrmApp();
        (await app.SignInAsAdminAsync()).Dispose();
        var first = await app.InDatabaseAsync(db => db.ActivityLog.AsNoTracking().OrderBy(a => a.Id).FirstAsync());
        var counts = await CountsAsync(app);

        var update = await Record.ExceptionAsync(() => SqlAsync(app, $"""UPDATE "ActivityLog" SET "Summary" = 'Nothing happened' WHERE "Id" = {first.Id}"""));
        Assert.NotNull(update);
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        var delete = await Record.ExceptionAsync(() => SqlAsync(app, $"""DELETE FROM "ActivityLog" WHERE "Id" = {first.Id}"""));
        Assert.NotNull(delete);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.NotNull(await Record.ExceptionAsync(() => SqlAsync(app, """DELETE FROM "ActivityLog" """)));

        // The application's own ways of changing rows are refused as well.
        Assert.NotNull(await Record.ExceptionAsync(() => app.InDatabaseAsync(db =>
            db.ActivityLog.Where(a => a.Id == first.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ActorName, "Somebody else")))));
        Assert.NotNull(await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.ActivityLog.ExecuteDeleteAsync())));
        Assert.NotNull(await Record.ExceptionAsync(() => app.InDatabaseAsync(async db =>
        {
            db.ActivityLog.Remove(await db.ActivityLog.SingleAsync(a => a.Id == first.Id));
            return await db.SaveChangesAsync();
        })));
        if (TestDatabase.IsPostgres)
        {
            Assert.NotNull(await Record.ExceptionAsync(() => SqlAsync(app, """TRUNCATE "ActivityLog" """)));
        }

        var after = await app.InDatabaseAsync(db => db.ActivityLog.AsNoTracking().SingleAsync(a => a.Id == first.Id));
        Assert.Equal((first.Summary, first.ActorName, first.At), (after.Summary, after.ActorName, after.At));
        Assert.Equal(counts, await CountsAsync(app));

        // Appending still works.
        Assert.Equal(1, await AddSignInsAsync(app, 1));
    }

    [Fact]
    public async Task The_guard_opens_the_log_only_for_its_own_trail_kind_and_cut_off()
    {
        await using var app = new CrmApp();
        (await app.SignInAsAdminAsync()).Dispose();
        var old = app.Clock.GetUtcNow().UtcDateTime;
        app.Clock.Advance(TimeSpan.FromDays(5));
        var later = app.Clock.GetUtcNow().UtcDateTime;
        const string deleteSignIns = """DELETE FROM "ActivityLog" WHERE "Kind" = 'sign-in'""";
        var counts = await CountsAsync(app);
        Assert.True(counts[ActivityKinds.SignIn] >= 1);

        // A guard of the history trail with the same kind name does not open the activity log.
        var otherTrail = await Record.ExceptionAsync(() => UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.History, Kind = ActivityKinds.SignIn, Before = later }, deleteSignIns));
        Assert.NotNull(otherTrail);
        Assert.Contains("append-only", otherTrail.Message, StringComparison.Ordinal);

        // Another kind, or a cut-off before the entries, opens nothing either.
        Assert.NotNull(await Record.ExceptionAsync(() => UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = ActivityKinds.SettingsChanged, Before = later }, deleteSignIns)));
        Assert.NotNull(await Record.ExceptionAsync(() => UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = ActivityKinds.SignIn, Before = old }, deleteSignIns)));

        // Even the right guard never allows an UPDATE.
        Assert.NotNull(await Record.ExceptionAsync(() => UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = ActivityKinds.SignIn, Before = later },
            """UPDATE "ActivityLog" SET "Summary" = 'x' WHERE "Kind" = 'sign-in'""")));

        // An activity guard does not open the audit trail for an entity type of the same name.
        var someType = await app.InDatabaseAsync(db => db.AuditEntries.Select(e => e.EntityType).FirstAsync());
        var auditCount = await app.InDatabaseAsync(db => db.AuditEntries.CountAsync());
        Assert.NotNull(await Record.ExceptionAsync(() => UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = someType, Before = later },
            $"""DELETE FROM "AuditEntries" WHERE "EntityType" = '{someType}'""")));
        Assert.Equal(auditCount, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync()));

        // The right guard does let the old entries of its kind go (rolled back here).
        Assert.Equal(counts[ActivityKinds.SignIn], await UnderGuardAsync(app,
            new AuditRetentionGuard { Trail = RetentionTrails.Activity, Kind = ActivityKinds.SignIn, Before = later }, deleteSignIns));

        Assert.Equal(counts, await CountsAsync(app));
        Assert.False(await app.InDatabaseAsync(db => db.AuditRetentionGuard.AnyAsync()));
    }

    [Fact]
    public async Task Retention_removes_old_entries_of_the_configured_kind_in_batches_and_only_those()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        await KeepSignInsAsync(admin, 10);
        Assert.Equal(1500, await AddSignInsAsync(app, 1500));
        var old = await CountsAsync(app);

        app.Clock.Advance(TimeSpan.FromDays(11));
        (await app.SignInAsAdminAsync()).Dispose();
        Assert.Equal(3, await AddSignInsAsync(app, 3));

        var outcome = Assert.Single(await PruneAsync(app));

        Assert.Equal((RetentionTrails.Activity, ActivityKinds.SignIn, old[ActivityKinds.SignIn]), (outcome.Trail, outcome.Kind, outcome.Removed));
        var counts = await CountsAsync(app);
        Assert.Equal(4, counts[ActivityKinds.SignIn]);
        var cutoff = app.Clock.GetUtcNow().UtcDateTime.AddDays(-10);
        Assert.False(await app.InDatabaseAsync(db => db.ActivityLog.AnyAsync(a => a.Kind == ActivityKinds.SignIn && a.At < cutoff)));
        Assert.Equal(old[ActivityKinds.SettingsChanged], counts[ActivityKinds.SettingsChanged]);
        foreach (var (kind, count) in old.Where(k => k.Key != ActivityKinds.SignIn))
        {
            Assert.Equal(count, counts[kind]);
        }

        // Two batches (1,000 and the rest), each logged with its own line.
        var lines = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == PruneAuditTrail.ActivityKind).OrderBy(a => a.Id).Select(a => a.Summary).ToListAsync());
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Retention removed 1000 activity-log entries of kind sign-in", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"Retention removed {old[ActivityKinds.SignIn] - 1000} activity-log entries of kind sign-in", lines[1], StringComparison.Ordinal);
        Assert.False(await app.InDatabaseAsync(db => db.AuditRetentionGuard.AnyAsync()));

        // Outside the job the remaining entries are as protected as before.
        Assert.NotNull(await Record.ExceptionAsync(() => SqlAsync(app, """DELETE FROM "ActivityLog" WHERE "Kind" = 'sign-in'""")));
    }

    [Fact]
    public async Task A_batch_whose_activity_line_fails_removes_nothing()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        await KeepSignInsAsync(admin, 10);
        await AddSignInsAsync(app, 20);
        app.Clock.Advance(TimeSpan.FromDays(11));
        var before = await CountsAsync(app);

        // The job's own line cannot be written: the batch that removed the entries must roll back.
        if (TestDatabase.IsPostgres)
        {
            await SqlAsync(app, """
                CREATE FUNCTION test_refuse_retention_line() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'no retention line today'; END $$;
                CREATE TRIGGER test_refuse_retention_line BEFORE INSERT ON "ActivityLog"
                    FOR EACH ROW WHEN (NEW."Kind" = 'retention-applied') EXECUTE FUNCTION test_refuse_retention_line();
                """);
        }
        else
        {
            await SqlAsync(app, """
                CREATE TRIGGER "test_refuse_retention_line" BEFORE INSERT ON "ActivityLog" WHEN NEW."Kind" = 'retention-applied'
                BEGIN SELECT RAISE(ABORT, 'no retention line today'); END;
                """);
        }

        var failure = await Record.ExceptionAsync(() => PruneAsync(app));
        Assert.NotNull(failure);
        Assert.Equal(before, await CountsAsync(app));
        Assert.False(await app.InDatabaseAsync(db => db.AuditRetentionGuard.AnyAsync()));

        // Once the line can be written, the next run removes them, with its line.
        await SqlAsync(app, TestDatabase.IsPostgres
            ? """DROP TRIGGER test_refuse_retention_line ON "ActivityLog" """
            : """DROP TRIGGER "test_refuse_retention_line" """);
        Assert.Equal(before[ActivityKinds.SignIn], Assert.Single(await PruneAsync(app)).Removed);
        var after = await CountsAsync(app);
        Assert.False(after.ContainsKey(ActivityKinds.SignIn));
        Assert.Equal(1, after[PruneAuditTrail.ActivityKind]);
    }

    [Fact]
    public async Task The_migration_goes_down_to_a_log_without_triggers_and_up_again()
    {
        using var database = TestDatabase.Empty();
        await using var db = DatabaseSchema.Open(database.ConnectionString);
        await db.Database.MigrateAsync();
        var migrations = db.Database.GetMigrations().ToList();
        var previous = migrations[migrations.IndexOf("20261122170000_ActivityLogAppendOnly") - 1];
        var migrator = db.GetService<IMigrator>();

        await migrator.MigrateAsync(previous);
        db.ActivityLog.Add(new ActivityEntry { At = DateTime.UnixEpoch, Kind = ActivityKinds.SignIn, ActorName = "Down", Summary = "Before the triggers" });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""UPDATE "ActivityLog" SET "Summary" = 'Changed' """));
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("""DELETE FROM "ActivityLog" """));

        await migrator.MigrateAsync();
        db.ActivityLog.Add(new ActivityEntry { At = DateTime.UnixEpoch, Kind = ActivityKinds.SignIn, ActorName = "Up", Summary = "With the triggers" });
        await db.SaveChangesAsync();
        Assert.NotNull(await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "ActivityLog" """)));
        Assert.Equal(1, await db.ActivityLog.CountAsync());
    }
}
