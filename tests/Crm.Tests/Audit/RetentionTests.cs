using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Audit;

/// <summary>
/// Retention per kind: the job removes exactly the old entries of the configured kinds, leaves
/// anchors so the chain still verifies, and is the only way past the append-only triggers.
/// </summary>
public sealed class RetentionTests
{
    private static async Task AddDepartmentAndGroupAsync(CrmApp app, string name) => await app.InDatabaseAsync(async db =>
    {
        db.Departments.Add(new Department { Name = "Department " + name, CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync();
        db.Groups.Add(new Group { Name = "Group " + name });
        return await db.SaveChangesAsync();
    });

    private static async Task<IReadOnlyList<RetentionOutcome>> PruneAsync(CrmApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PruneAuditTrail>().PruneAsync(CancellationToken.None);
    }

    private static async Task<ChainReport> VerifyAsync(CrmApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<VerifyAuditChain>().RunAsync(CancellationToken.None);
    }

    private static async Task SetAsync(PageClient admin, params object[] periods)
    {
        var response = await admin.Http.PutAsJsonAsync("/api/v1/settings/retention", new { periods });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<List<(long Id, string Type, DateTime At)>> EntriesAsync(CrmApp app) => app.InDatabaseAsync(async db =>
        (await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Id, e.EntityType, e.At }).ToListAsync())
            .Select(e => (e.Id, e.EntityType, e.At)).ToList());

    /// <summary>What an attacker with the database owner's rights does first: switch the guards off.</summary>
    private static Task<int> TamperAsync(CrmApp app, string sql) => app.InDatabaseAsync(async db =>
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "AuditEntries" DISABLE TRIGGER audit_entries_append_only""");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS "AuditEntries_no_update"; DROP TRIGGER IF EXISTS "AuditEntries_no_delete";""");
        }

        return await db.Database.ExecuteSqlRawAsync(sql);
    });

    [Fact]
    public async Task Pruning_removes_exactly_the_old_entries_of_the_configured_kind_and_the_chain_still_verifies()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        for (var i = 0; i < 4; i++)
        {
            await AddDepartmentAndGroupAsync(app, "old " + i);
        }

        await SetAsync(admin, new { trail = "history", kind = "department", keepDays = 30 });
        app.Clock.Advance(TimeSpan.FromDays(31));
        await AddDepartmentAndGroupAsync(app, "new");
        var before = await EntriesAsync(app);
        var cutoff = app.Clock.GetUtcNow().UtcDateTime.AddDays(-30);

        var outcomes = await PruneAsync(app);

        var after = await EntriesAsync(app);
        var expectedGone = before.Where(e => e.Type == "department" && e.At < cutoff).Select(e => e.Id).ToList();
        // The four old departments, and any the first start wrote.
        Assert.True(expectedGone.Count >= 4);
        Assert.Equal(expectedGone.Count, Assert.Single(outcomes, o => o.Kind == "department").Removed);
        Assert.DoesNotContain(after, e => expectedGone.Contains(e.Id));
        // Everything else is still there: the old groups, the new department, every other kind.
        Assert.Equal(before.Where(e => !expectedGone.Contains(e.Id)).Select(e => e.Id), after.Where(e => e.Id <= before[^1].Id).Select(e => e.Id));
        Assert.Contains(after, e => e.Type == "department" && e.At >= cutoff);
        Assert.Equal(before.Count(e => e.Type == "group"), after.Count(e => e.Type == "group"));
        // Each removed entry's seal went with it; every kept entry keeps its own.
        Assert.False(await app.InDatabaseAsync(db => db.AuditSeals.AnyAsync(s => expectedGone.Contains(s.EntryId))));
        Assert.True(await app.InDatabaseAsync(db => db.AuditEntries.AllAsync(e => db.AuditSeals.Any(s => s.EntryId == e.Id) || db.AuditPending.Any(p => p.EntryId == e.Id))));

        // The run is recorded: a "pruned" entry in the trail and a line in the activity log.
        var record = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == PruneAuditTrail.Action));
        Assert.Equal("department", record.EntityId);
        Assert.Equal(expectedGone.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditKit.New(record, "removed"));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == PruneAuditTrail.ActivityKind).Select(a => a.Summary).ToListAsync()),
            s => s.Contains($"removed {expectedGone.Count} history entries of department", StringComparison.Ordinal));

        var report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(expectedGone.Count, report.Pruned);

        // A second kind later: its gaps merge with the first ones, and the chain still verifies.
        using var again = await app.SignInAsAdminAsync();
        await SetAsync(again, new { trail = "history", kind = "department", keepDays = 30 }, new { trail = "history", kind = "group", keepDays = 30 });
        var oldGroups = await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "group" && e.At < cutoff));
        await PruneAsync(app);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "group" && e.At < cutoff)));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "group")));
        report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(expectedGone.Count + oldGroups, report.Pruned);

        // Nothing left to remove: a further run changes nothing and records nothing.
        var count = await app.InDatabaseAsync(db => db.AuditEntries.CountAsync());
        await PruneAsync(app);
        Assert.Equal(count, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Everything_of_a_kind_up_to_the_first_entry_can_go_and_the_chain_starts_from_the_anchor()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        var kinds = (await EntriesAsync(app)).Select(e => e.Type).Distinct().ToList();
        await SetAsync(admin, [.. kinds.Select(k => new { trail = "history", kind = k, keepDays = 1 })]);
        app.Clock.Advance(TimeSpan.FromDays(2));
        await AddDepartmentAndGroupAsync(app, "new");
        await PruneAsync(app);
        Assert.False(await app.InDatabaseAsync(db => db.AuditEntries.AnyAsync(e => e.Id == 1)));
        var report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.True(report.Pruned > 0);
    }

    [Fact]
    public async Task Outside_the_job_a_delete_or_update_is_still_refused_even_of_old_entries_of_a_pruned_kind()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        await AddDepartmentAndGroupAsync(app, "old");
        await SetAsync(admin, new { trail = "history", kind = "department", keepDays = 30 });
        app.Clock.Advance(TimeSpan.FromDays(31));
        await AddDepartmentAndGroupAsync(app, "new");
        await PruneAsync(app);

        var delete = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "EntityType" = 'group'""")));
        Assert.NotNull(delete);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        var update = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Label" = 'x' WHERE "EntityType" = 'department'""")));
        Assert.NotNull(update);
        var seals = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditSeals" """)));
        Assert.Contains("append-only", seals?.Message);
        var anchors = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditGaps" """)));
        Assert.NotNull(anchors);
        Assert.True(await app.InDatabaseAsync(db => db.AuditGaps.AnyAsync()));

        // The guard only covers its kind and cut-off, and only inside the transaction that sets it.
        var cutoff = app.Clock.GetUtcNow().UtcDateTime.AddDays(-30);
        var groupsBefore = await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "group"));
        var wrongKind = await Record.ExceptionAsync(() => app.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AuditRetentionGuard.Add(new AuditRetentionGuard { Trail = RetentionTrails.History, Kind = "department", Before = cutoff });
            await db.SaveChangesAsync();
            return await db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "EntityType" = 'group'""");
        }));
        Assert.NotNull(wrongKind);
        var wrongKindSeal = await Record.ExceptionAsync(() => app.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AuditRetentionGuard.Add(new AuditRetentionGuard { Trail = RetentionTrails.History, Kind = "department", Before = cutoff });
            await db.SaveChangesAsync();
            return await db.Database.ExecuteSqlRawAsync("""
                DELETE FROM "AuditSeals" WHERE "EntryId" IN (SELECT "Id" FROM "AuditEntries" WHERE "EntityType" = 'group')
                """);
        }));
        Assert.Contains("append-only", wrongKindSeal?.Message);
        Assert.Equal(groupsBefore, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "group")));

        if (TestDatabase.IsPostgres)
        {
            // On PostgreSQL a guard row cannot even be committed.
            var committed = await Record.ExceptionAsync(() => app.InDatabaseAsync(async db =>
            {
                db.AuditRetentionGuard.Add(new AuditRetentionGuard { Trail = RetentionTrails.History, Kind = "group", Before = cutoff });
                return await db.SaveChangesAsync();
            }));
            Assert.NotNull(committed);
            Assert.False(await app.InDatabaseAsync(db => db.AuditRetentionGuard.AnyAsync()));
        }

        Assert.True((await VerifyAsync(app)).Intact);
    }

    [Fact]
    public async Task After_pruning_an_edited_or_removed_entry_and_a_forged_anchor_are_still_caught()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        for (var i = 0; i < 3; i++)
        {
            await AddDepartmentAndGroupAsync(app, "old " + i);
        }

        await SetAsync(admin, new { trail = "history", kind = "department", keepDays = 30 });
        app.Clock.Advance(TimeSpan.FromDays(31));
        await AddDepartmentAndGroupAsync(app, "new");
        await PruneAsync(app);
        Assert.True((await VerifyAsync(app)).Intact);

        // An entry right after a gap, edited: named.
        var gap = await app.InDatabaseAsync(db => db.AuditGaps.AsNoTracking().OrderBy(g => g.ToSeq).FirstAsync());
        var afterGap = await app.InDatabaseAsync(db => db.AuditSeals.Where(s => s.Seq == gap.ToSeq + 1).Select(s => s.EntryId).SingleAsync());
        await TamperAsync(app, $"""UPDATE "AuditEntries" SET "Label" = 'Somebody else' WHERE "Id" = {afterGap}""");
        var report = await VerifyAsync(app);
        Assert.Equal(afterGap, report.FirstBrokenId);

        // A kept entry removed behind the job's back, with a forged anchor in its place: the anchor is not vouched for.
        await using var second = new CrmApp();
        using var admin2 = await second.SignInAsAdminAsync();
        for (var i = 0; i < 3; i++)
        {
            await AddDepartmentAndGroupAsync(second, "old " + i);
        }

        await SetAsync(admin2, new { trail = "history", kind = "department", keepDays = 30 });
        second.Clock.Advance(TimeSpan.FromDays(31));
        await AddDepartmentAndGroupAsync(second, "new");
        await PruneAsync(second);
        var run = await second.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == PruneAuditTrail.Action));
        var victim = await second.InDatabaseAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == "group").OrderByDescending(e => e.Id).FirstAsync());
        var seal = await second.InDatabaseAsync(db => db.AuditSeals.AsNoTracking().SingleAsync(s => s.EntryId == victim.Id));
        var neighbours = await second.InDatabaseAsync(async db => new
        {
            Before = await db.AuditSeals.Where(s => s.Seq < seal.Seq).MaxAsync(s => s.Seq),
            After = await db.AuditSeals.Where(s => s.Seq > seal.Seq).MinAsync(s => s.Seq),
        });
        Assert.Equal(seal.Seq + 1, neighbours.After);
        await TamperAsync(second, $"""DELETE FROM "AuditEntries" WHERE "Id" = {victim.Id}""");
        await second.InDatabaseAsync(async db =>
        {
            db.AuditGaps.Add(new AuditGap { FromSeq = neighbours.Before + 1, ToSeq = seal.Seq, LastHash = seal.Hash, PrunedByEntryId = run.Id });
            return await db.SaveChangesAsync();
        });
        report = await VerifyAsync(second);
        Assert.False(report.Intact);
        Assert.True(report.FirstBrokenId <= victim.Id + 1, report.Problem);
        Assert.Contains("vouches", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_log_entries_of_a_configured_kind_are_removed_and_the_run_is_logged()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        var staff = await app.CreateUserAsync("ann@crm.test", "staff password 1234");
        (await app.SignInAsync("ann@crm.test", "staff password 1234")).Dispose();
        await SetAsync(admin, new { trail = "activity", kind = ActivityKinds.SignIn, keepDays = 10 });
        var settingsChanges = await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.SettingsChanged));
        Assert.True(settingsChanges >= 1);
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).Select(a => a.Summary).ToListAsync()),
            s => s.Contains("activity of sign-in: forever → 10 days", StringComparison.Ordinal));
        var signIns = await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.SignIn));
        Assert.True(signIns >= 2);

        app.Clock.Advance(TimeSpan.FromDays(11));
        (await app.SignInAsync("ann@crm.test", "staff password 1234")).Dispose();
        var outcomes = await PruneAsync(app);

        Assert.Equal(signIns, Assert.Single(outcomes).Removed);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.SignIn)));
        Assert.Equal(settingsChanges, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(a => a.Kind == ActivityKinds.SettingsChanged)));
        Assert.Contains(await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == PruneAuditTrail.ActivityKind).Select(a => a.Summary).ToListAsync()),
            s => s.Contains($"removed {signIns} activity-log entries of kind sign-in", StringComparison.Ordinal));
        Assert.NotNull(staff);
    }

    [Fact]
    public async Task Bad_periods_are_refused_with_a_message_and_change_nothing_and_the_page_saves()
    {
        await using var app = new CrmApp();
        using var admin = await app.SignInAsAdminAsync();
        var unknown = await admin.Http.PutAsJsonAsync("/api/v1/settings/retention", new { periods = new[] { new { trail = "history", kind = "<script>", keepDays = 3 } } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var zero = await admin.Http.PutAsJsonAsync("/api/v1/settings/retention", new { periods = new[] { new { trail = "history", kind = "companies", keepDays = 0 } } });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.NotEmpty(await zero.FieldErrorsAsync("history.companies"));
        Assert.False(await app.InDatabaseAsync(db => db.RetentionPeriods.AnyAsync()));

        var (page, document) = await admin.GetPageAsync("/admin/retention");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var field = document.QuerySelector("#keep-history-companies")!;
        var fields = document.QuerySelectorAll("input[name$='.Kind']").ToList();
        var index = fields.FindIndex(f => f.GetAttribute("value") == "companies" && f.PreviousElementSibling?.GetAttribute("value") == "history");
        Assert.True(index >= 0);
        var bad = await admin.SubmitAsync(document, new() { [field.GetAttribute("name")!] = "many" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("whole number", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var saved = await admin.SubmitAsync(document, new() { [field.GetAttribute("name")!] = "400" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var period = await app.InDatabaseAsync(db => db.RetentionPeriods.SingleAsync());
        Assert.Equal(("history", "companies", 400), (period.Trail, period.Kind, period.KeepDays));

        // Staff may neither read nor change them.
        await app.CreateUserAsync("bob@crm.test", "staff password 1234");
        using var staff = await app.SignInAsync("bob@crm.test", "staff password 1234");
        Assert.NotEqual(HttpStatusCode.OK, (await staff.Http.GetAsync("/api/v1/settings/retention")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await staff.Http.PutAsJsonAsync("/api/v1/settings/retention", new { periods = Array.Empty<object>() })).StatusCode);
    }
}
