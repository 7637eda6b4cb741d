using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Departments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.Audit;

/// <summary>The chain catches edited, removed and forged entries; the database itself refuses UPDATE and DELETE.</summary>
public sealed class AuditChainTests
{
    /// <summary>An app whose trail holds what the first start wrote plus one entry per department; _base is the last entry before them.</summary>
    private async Task<CrmApp> AppWithEntriesAsync(int departments = 5)
    {
        var app = new CrmApp();
        _base = await AuditKit.MarkAsync(app);
        for (var i = 0; i < departments; i++)
        {
            await app.InDatabaseAsync(async db =>
            {
                db.Departments.Add(new Department { Name = $"Department {i}", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
                return await db.SaveChangesAsync();
            });
        }

        // Sealed before the tests tamper: an entry removed while still unsealed leaves only a warning of the sealer (ADR 0012).
        await AuditKit.SealAsync(app);
        return app;
    }

    private long _base;

    /// <summary>The id of the n-th entry written by the test (1-based).</summary>
    private long N(int n) => _base + n;

    private static async Task<ChainReport> VerifyAsync(CrmApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<VerifyAuditChain>().RunAsync(CancellationToken.None);
    }

    /// <summary>What an attacker with the database owner's rights does first: switch the guards of entries and seals off.</summary>
    private static Task<int> TamperAsync(CrmApp app, string sql) => app.InDatabaseAsync(async db =>
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "AuditEntries" DISABLE TRIGGER audit_entries_append_only""");
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "AuditSeals" DISABLE TRIGGER audit_seals_append_only""");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS "AuditEntries_no_update"; DROP TRIGGER IF EXISTS "AuditEntries_no_delete";""");
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER IF EXISTS "AuditSeals_no_update"; DROP TRIGGER IF EXISTS "AuditSeals_no_delete";""");
        }

        return await db.Database.ExecuteSqlRawAsync(sql);
    });

    private static Task<AuditEntry> EntryAsync(CrmApp app, long id) =>
        app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Id == id));

    private static Task<AuditSeal> SealOfAsync(CrmApp app, long id) =>
        app.InDatabaseAsync(db => db.AuditSeals.AsNoTracking().SingleAsync(s => s.EntryId == id));

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_an_entry()
    {
        await using var app = await AppWithEntriesAsync(1);
        var update = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Label" = 'x'""")));
        Assert.NotNull(update);
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        var delete = await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.AuditEntries.ExecuteDeleteAsync()));
        Assert.NotNull(delete);
        Assert.Contains("append-only", (delete.InnerException ?? delete).Message + delete.Message, StringComparison.Ordinal);
        Assert.True(await app.InDatabaseAsync(db => db.AuditEntries.AnyAsync()));
        Assert.True((await VerifyAsync(app)).Intact);
    }

    [Fact]
    public async Task An_intact_chain_verifies()
    {
        await using var app = await AppWithEntriesAsync();
        var report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(N(5), report.Checked);
    }

    [Fact]
    public async Task An_edited_entry_is_named()
    {
        await using var app = await AppWithEntriesAsync();
        await TamperAsync(app, $"""UPDATE "AuditEntries" SET "ActorName" = 'Somebody else' WHERE "Id" = {N(3)}""");
        var report = await VerifyAsync(app);
        Assert.Equal(N(3), report.FirstBrokenId);
        Assert.Equal(N(2), report.Checked);
    }

    [Fact]
    public async Task Edited_values_are_caught_by_their_digest_and_a_redaction_is_reported_but_keeps_the_chain()
    {
        await using var app = await AppWithEntriesAsync();
        await TamperAsync(app, $"""UPDATE "AuditEntries" SET "Changes" = replace("Changes", 'Department 1', 'Department X') WHERE "Id" = {N(2)}""");
        var report = await VerifyAsync(app);
        Assert.Equal(N(2), report.FirstBrokenId);
        Assert.Contains("digest", report.Problem, StringComparison.Ordinal);

        // What a GDPR erasure would do (braces doubled: ExecuteSqlRaw formats the text): replace the values and mark the entry as redacted.
        await TamperAsync(app, """UPDATE "AuditEntries" SET "Changes" = '{{"$redacted":"2026-11-22","name":{{"new":"(redacted)"}}}}' WHERE "Id" = """ + N(2));
        report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(1, report.Redacted);
    }

    [Fact]
    public async Task A_deleted_entry_is_named()
    {
        await using var app = await AppWithEntriesAsync();
        await TamperAsync(app, $"""DELETE FROM "AuditEntries" WHERE "Id" = {N(4)}""");
        var report = await VerifyAsync(app);
        Assert.Equal(N(5), report.FirstBrokenId);
        Assert.Contains("missing", report.Problem, StringComparison.Ordinal);

        // Removing the very first entry breaks the chain at the new first one.
        await using var other = await AppWithEntriesAsync();
        await TamperAsync(other, """DELETE FROM "AuditEntries" WHERE "Id" = 1""");
        Assert.Equal(2, (await VerifyAsync(other)).FirstBrokenId);
    }

    [Fact]
    public async Task Inserted_entries_are_named()
    {
        // Claiming the next place without the chain: the forger does not hold the previous hash.
        await using var app = await AppWithEntriesAsync();
        var copy = await EntryAsync(app, N(5));
        var copySeal = await SealOfAsync(app, N(5));
        await app.InDatabaseAsync(async db =>
        {
            db.AuditEntries.Add(new AuditEntry
            {
                Id = N(6), At = copy.At, ActorKind = "user", ActorName = "Forger", EntityType = "department", EntityId = "99", Label = "Ghost",
                Action = AuditActions.Deleted, Changes = "{}", ChangesDigest = AuditChain.Digest("{}"),
            });
            db.AuditSeals.Add(new AuditSeal { Seq = copySeal.Seq + 1, EntryId = N(6), Hash = copySeal.Hash });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(N(6), (await VerifyAsync(app)).FirstBrokenId);

        // A forged entry slipped into the place of a removed one, correctly chained to the entry
        // before it: the entry after it no longer fits.
        await using var second = await AppWithEntriesAsync();
        var before = await SealOfAsync(second, N(2));
        var forged = new AuditEntry
        {
            Id = N(3), At = (await EntryAsync(second, N(2))).At, ActorKind = "user", ActorName = "Forger", EntityType = "department", EntityId = "99", Label = "Ghost",
            Action = AuditActions.Created, Changes = "{}", ChangesDigest = AuditChain.Digest("{}"),
        };
        await TamperAsync(second, $"""DELETE FROM "AuditEntries" WHERE "Id" = {N(3)}; DELETE FROM "AuditSeals" WHERE "EntryId" = {N(3)}""");
        await second.InDatabaseAsync(async db =>
        {
            db.AuditEntries.Add(forged);
            db.AuditSeals.Add(new AuditSeal { Seq = before.Seq + 1, EntryId = N(3), Hash = AuditChain.HashOf(before.Hash, before.Seq + 1, forged) });
            return await db.SaveChangesAsync();
        });
        var report = await VerifyAsync(second);
        Assert.Equal(N(4), report.FirstBrokenId);
    }

    [Fact]
    public async Task An_entry_written_around_the_sealers_work_list_is_named()
    {
        // Every entry is listed for sealing by the database in its writer's transaction; one that is
        // not (listed by hand and taken off again) would never be checked, so verification names it.
        await using var app = await AppWithEntriesAsync(2);
        await app.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AuditEntries.Add(new AuditEntry
            {
                Id = N(3), At = app.Clock.GetUtcNow().UtcDateTime, ActorKind = "user", ActorName = "Forger", EntityType = "department", EntityId = "99",
                Label = "Unlisted", Action = AuditActions.Created, Changes = "{}", ChangesDigest = AuditChain.Digest("{}"),
            });
            await db.SaveChangesAsync();
            var unlisted = await db.AuditPending.Where(p => p.EntryId == N(3)).ExecuteDeleteAsync();
            await transaction.CommitAsync();
            return unlisted;
        });

        var report = await VerifyAsync(app);
        Assert.Equal(N(3), report.FirstBrokenId);
        Assert.Contains("not in the chain", report.Problem, StringComparison.Ordinal);
        Assert.Equal(N(2), report.Checked);
    }

    [Fact]
    public async Task A_failed_save_leaves_no_entry_behind_for_the_next_save()
    {
        await using var app = await AppWithEntriesAsync(1);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var department = await db.Departments.SingleAsync(d => d.Name == "Department 0");

        // Somebody else removes the department; this context's rename then updates no row.
        await app.InDatabaseAsync(async other =>
        {
            other.Departments.Remove(await other.Departments.SingleAsync(d => d.Name == "Department 0"));
            return await other.SaveChangesAsync();
        });
        department.Name = "Renamed";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());

        db.Entry(department).State = EntityState.Detached;
        db.Departments.Add(new Department { Name = "Next", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync();

        var written = await app.InDatabaseAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.Id > N(1)).OrderBy(e => e.Id)
            .Select(e => e.Action + " " + e.Label).ToListAsync());
        Assert.Equal(["deleted Department 0", "created Next"], written);
        var report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
    }

    [Fact]
    public async Task Created_rows_are_audited_under_the_keys_they_get_alone_or_with_a_child_in_the_same_save()
    {
        await using var app = await AppWithEntriesAsync(0);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (parent, child, single) = await app.InDatabaseAsync(async db =>
        {
            // A child pointing at a parent created in the same save, then a row alone.
            var p = new Department { Name = "Parent", CreatedAt = now };
            var c = new Department { Name = "Child", Parent = p, CreatedAt = now };
            db.Departments.AddRange(p, c);
            await db.SaveChangesAsync();
            var s = new Department { Name = "Single", CreatedAt = now };
            db.Departments.Add(s);
            await db.SaveChangesAsync();
            return (p.Id, c.Id, s.Id);
        });

        var entries = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Id > N(0))
            .Select(e => e.Action + " " + e.EntityId + " " + e.Label).ToListAsync());
        Assert.Equal(new[] { $"created {parent} Parent", $"created {child} Child", $"created {single} Single" }.Order(), entries.Order());
        var saved = await app.InDatabaseAsync(db => db.Departments.AsNoTracking().Where(d => d.Id == parent || d.Id == child || d.Id == single)
            .ToDictionaryAsync(d => d.Name, d => (d.Id, d.ParentId)));
        Assert.Equal((child, (int?)parent), saved["Child"]);
        Assert.Equal((single, (int?)null), saved["Single"]);

        // The keys came from the table's own sequence: the next row the database numbers follows them.
        var next = await app.InDatabaseAsync(async db =>
        {
            db.Departments.Add(new Department { Name = "After", CreatedAt = now });
            await db.SaveChangesAsync();
            return await db.Departments.Where(d => d.Name == "After").Select(d => d.Id).SingleAsync();
        });
        Assert.True(next > single);
        Assert.True((await VerifyAsync(app)).Intact);
    }

    [Fact]
    public async Task Concurrent_writers_build_one_unbroken_chain()
    {
        await using var app = await AppWithEntriesAsync(0);
        const int Writers = 8, Saves = 6;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Saves; i++)
            {
                using var scope = app.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
                db.Departments.Add(new Department { Name = $"W{w} D{i}", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
                await db.SaveChangesAsync();
            }
        })));

        var report = await VerifyAsync(app);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(N(Writers * Saves), report.Checked);
        Assert.Equal(Writers * Saves, await app.InDatabaseAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task An_entry_removed_before_its_seal_is_reported_by_the_sealer()
    {
        // Written and removed around the guards in one transaction, so no sealing round comes between.
        await using var app = await AppWithEntriesAsync(1);
        await app.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AuditEntries.Add(new AuditEntry
            {
                Id = N(2), At = app.Clock.GetUtcNow().UtcDateTime, ActorKind = "user", ActorName = "Somebody", EntityType = "department", EntityId = "7",
                Label = "Gone", Action = AuditActions.Created, Changes = "{}", ChangesDigest = AuditChain.Digest("{}"),
            });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql()
                ? """ALTER TABLE "AuditEntries" DISABLE TRIGGER audit_entries_append_only"""
                : """DROP TRIGGER "AuditEntries_no_delete" """);
            var removed = await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditEntries" WHERE "Id" = {N(2)}""");
            await transaction.CommitAsync();
            return removed;
        });

        // The background sealer may take the list first; either way the warning reaches the app's log.
        using (var scope = app.Services.CreateScope())
        {
            var loggers = scope.ServiceProvider.GetRequiredService<ILoggerFactory>();
            await AuditChain.SealAsync(scope.ServiceProvider.GetRequiredService<CrmDb>(), loggers.CreateLogger<AuditSealer>(), CancellationToken.None);
        }

        Assert.Contains(app.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("no longer exist", StringComparison.Ordinal)
            && l.Message.Contains($"{N(2)}", StringComparison.Ordinal));
        Assert.False(await app.InDatabaseAsync(db => db.AuditPending.AnyAsync()));
    }

    [Fact]
    public async Task The_sealer_chains_a_committed_entry_without_being_asked()
    {
        await using var app = new CrmApp();
        var mark = await AuditKit.MarkAsync(app);
        await app.InDatabaseAsync(async db =>
        {
            db.Departments.Add(new Department { Name = "Sealed by the worker", CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        var entry = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Id > mark && e.Label == "Sealed by the worker"));

        // The background worker, not a test helper, gives the entry its place: it is woken by the save.
        AuditSeal? seal = null;
        for (var tries = 0; tries < 100 && seal is null; tries++)
        {
            await Task.Delay(100);
            seal = await app.InDatabaseAsync(db => db.AuditSeals.AsNoTracking().SingleOrDefaultAsync(s => s.EntryId == entry.Id));
        }

        Assert.NotNull(seal);
        Assert.Equal(64, seal.Hash.Length);
        Assert.False(await app.InDatabaseAsync(db => db.AuditPending.AnyAsync(p => p.EntryId == entry.Id)));
        var previous = await app.InDatabaseAsync(db => db.AuditSeals.AsNoTracking().SingleAsync(s => s.Seq == seal.Seq - 1));
        Assert.Equal(AuditChain.HashOf(previous.Hash, seal.Seq, entry), seal.Hash);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_remove_a_seal_and_an_entry_is_never_updated()
    {
        await using var app = await AppWithEntriesAsync(1);
        var seal = await SealOfAsync(app, N(1));
        async Task<string?> RefusalAsync(string sql) =>
            (await Record.ExceptionAsync(() => app.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(sql))))?.Message;

        Assert.Contains("append-only", await RefusalAsync($"""UPDATE "AuditSeals" SET "Hash" = 'b' WHERE "Seq" = {seal.Seq}"""));
        Assert.Contains("append-only", await RefusalAsync($"""UPDATE "AuditSeals" SET "EntryId" = "EntryId" + 1000 WHERE "Seq" = {seal.Seq}"""));
        Assert.Contains("append-only", await RefusalAsync($"""DELETE FROM "AuditSeals" WHERE "Seq" = {seal.Seq}"""));
        if (TestDatabase.IsPostgres)
        {
            Assert.Contains("append-only", await RefusalAsync("""TRUNCATE "AuditSeals" """));
        }

        // No exception for the sealer's sake any more: an entry, sealed or not, is never changed.
        Assert.Contains("append-only", await RefusalAsync($"""UPDATE "AuditEntries" SET "ChangesDigest" = "ChangesDigest" WHERE "Id" = {N(1)}"""));
        Assert.Equal(seal.Hash, (await SealOfAsync(app, N(1))).Hash);
        Assert.True((await VerifyAsync(app)).Intact);
    }

    [Fact]
    public async Task Entries_inserted_after_a_create_are_found_by_every_filter_as_saved_ones_are()
    {
        await using var app = await AppWithEntriesAsync(0);
        var writer = Guid.NewGuid();
        var at = new DateTime(2026, 11, 22, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567);
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<AuditContext>()
                .ActAs(new AuditWho(AuditActorKinds.User, writer, "Writer", null, writer, "10.0.0.1", null, null));
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            db.Departments.Add(new Department { Name = "Filtered", CreatedAt = at });
            await db.SaveChangesAsync();
        }

        // Compared in the database, as the audit filters and history do: the stored forms must match EF's own.
        var found = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.ActorUserId == writer && e.PreviewedById == writer && e.ApiTokenName == null && e.Label == "Filtered").ToListAsync());
        var entry = Assert.Single(found);
        Assert.Equal(AuditActions.Created, entry.Action);
        Assert.Equal("10.0.0.1", entry.IpAddress);
        Assert.Null(entry.UserAgent);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.At == entry.At && e.Id == entry.Id)));
        Assert.True((await VerifyAsync(app)).Intact);
    }
}
