using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Tests.Audit;

/// <summary>
/// A trail chained by ids before sealing came, with an entry still waiting for its seal, verifies
/// after the seals moved into their own table, and grows from where it ended.
/// </summary>
public sealed class AuditSealingMigrationTests
{
    [Fact]
    public async Task A_trail_written_before_sealing_came_verifies_and_continues_after_the_migration()
    {
        using var database = TestDatabase.Empty();
        await using var db = DatabaseSchema.Open(database.ConnectionString);
        var migrations = db.Database.GetMigrations().ToList();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[migrations.IndexOf("20261122180000_AuditSealing") - 1]);

        // Three entries as the writers chained them then: the id was the place, under the lock.
        var previous = "";
        for (var id = 1; id <= 3; id++)
        {
            var entry = AuditCapture.New(AuditWho.System, new DateTime(2026, 11, 1, 12, 0, id, DateTimeKind.Utc), "department", $"{id}", $"Old {id}",
                AuditActions.Created, new System.Text.Json.Nodes.JsonObject { ["name"] = new System.Text.Json.Nodes.JsonObject { ["new"] = $"Old {id}" } });
            entry.Id = id;
            var hash = AuditChain.HashOf(previous, id, entry);
            previous = hash;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "AuditEntries" ("Id", "At", "ActorKind", "ActorName", "EntityType", "EntityId", "Label", "Action", "Changes", "ChangesDigest", "Hash")
                VALUES ({entry.Id}, {entry.At}, {entry.ActorKind}, {entry.ActorName}, {entry.EntityType}, {entry.EntityId}, {entry.Label}, {entry.Action},
                        {entry.Changes}, {entry.ChangesDigest}, {hash})
                """);
        }

        // Sealing came (places are the ids), and one entry was written and committed but not sealed
        // yet when the seals moved into their own table.
        await migrator.MigrateAsync(migrations[migrations.IndexOf("20261124090000_AuditSealsTable") - 1]);
        var waiting = AuditCapture.New(AuditWho.System, new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), "department", "4", "Waiting",
            AuditActions.Created, new System.Text.Json.Nodes.JsonObject());
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AuditEntries" ("At", "ActorKind", "ActorName", "EntityType", "EntityId", "Label", "Action", "Changes", "ChangesDigest", "Hash")
            VALUES ({waiting.At}, {waiting.ActorKind}, {waiting.ActorName}, {waiting.EntityType}, {waiting.EntityId}, {waiting.Label}, {waiting.Action},
                    {waiting.Changes}, {waiting.ChangesDigest}, '')
            """);

        await migrator.MigrateAsync();
        Assert.Equal([1L, 2L, 3L], await db.AuditSeals.OrderBy(s => s.Seq).Select(s => s.EntryId).ToListAsync());
        Assert.Equal([4L], await db.AuditPending.Select(p => p.EntryId).ToListAsync());
        var report = await new VerifyAuditChain(db).RunAsync(CancellationToken.None);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(4, report.Checked);

        // A new entry is numbered by the database after the old ones, listed by the trigger and sealed at the next place.
        db.AuditEntries.Add(AuditCapture.New(AuditWho.System, new DateTime(2026, 11, 23, 0, 0, 1, DateTimeKind.Utc), "department", "5", "New",
            AuditActions.Created, new System.Text.Json.Nodes.JsonObject()));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        Assert.Equal(1, await AuditChain.SealAsync(db, CancellationToken.None));
        var added = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Label == "New");
        Assert.Equal((5L, 5L), (added.Id, (await db.AuditSeals.SingleAsync(s => s.EntryId == added.Id)).Seq));
        report = await new VerifyAuditChain(db).RunAsync(CancellationToken.None);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(5, report.Checked);

        // Down puts every seal back into its entry (the places are the ids here), and up moves them out again.
        var hashes = await db.AuditSeals.OrderBy(s => s.Seq).Select(s => s.Hash).ToListAsync();
        await migrator.MigrateAsync(migrations[migrations.IndexOf("20261124090000_AuditSealsTable") - 1]);
        Assert.Equal(hashes, await db.Database.SqlQueryRaw<string>("""SELECT "Hash" AS "Value" FROM "AuditEntries" WHERE "Seq" = "Id" ORDER BY "Seq" """).ToListAsync());
        await migrator.MigrateAsync();
        report = await new VerifyAuditChain(db).RunAsync(CancellationToken.None);
        Assert.True(report.Intact, report.Problem);
        Assert.Equal(5, report.Checked);
    }
}
