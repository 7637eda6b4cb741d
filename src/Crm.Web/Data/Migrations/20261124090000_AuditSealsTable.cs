using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Seals move out of the entries into a narrow table of their own (ADR 0012): sealing an entry
/// used to rewrite the whole wide row and, on PostgreSQL, every index over it, which cost an
/// audited update about as much as the entry itself. Now an entry is written once and never
/// changed; its place and hash are a row of <c>AuditSeals</c>, and the sealer finds its work in
/// <c>AuditPending</c>, which a trigger fills in the writer's transaction. The append-only guard of
/// the entries loses its one exception (the seal) and the seals get the same guard, which lets the
/// retention job remove the seal of an entry it removes. Every existing seal is copied as it
/// stands, so the chain verifies exactly as before.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261124090000_AuditSealsTable")]
public sealed class AuditSealsTable : Migration
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var postgres = migrationBuilder.ActiveProvider == Postgres;
        if (postgres)
        {
            // An instance of the previous version may still be writing: no entry may commit between
            // the copy of the waiting list below and the trigger that lists entries from then on.
            migrationBuilder.Sql("""LOCK TABLE "AuditEntries" IN SHARE ROW EXCLUSIVE MODE;""");
        }

        migrationBuilder.CreateTable(
            name: "AuditSeals",
            columns: table => new
            {
                Seq = table.Column<long>(nullable: false),
                EntryId = table.Column<long>(nullable: false),
                Hash = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditSeals", x => x.Seq));
        migrationBuilder.CreateIndex("IX_AuditSeals_EntryId", "AuditSeals", "EntryId", unique: true);
        migrationBuilder.CreateTable(
            name: "AuditPending",
            columns: table => new { EntryId = table.Column<long>(nullable: false) },
            constraints: table => table.PrimaryKey("PK_AuditPending", x => x.EntryId));

        migrationBuilder.Sql("""INSERT INTO "AuditSeals" ("Seq", "EntryId", "Hash") SELECT "Seq", "Id", "Hash" FROM "AuditEntries" WHERE "Seq" IS NOT NULL;""");
        migrationBuilder.Sql("""INSERT INTO "AuditPending" ("EntryId") SELECT "Id" FROM "AuditEntries" WHERE "Seq" IS NULL;""");

        migrationBuilder.DropIndex("IX_AuditEntries_Unsealed", "AuditEntries");
        migrationBuilder.DropIndex("IX_AuditEntries_Seq", "AuditEntries");
        if (postgres)
        {
            migrationBuilder.Sql(GuardFunction);
            migrationBuilder.DropColumn("Seq", "AuditEntries");
            migrationBuilder.DropColumn("Hash", "AuditEntries");
            // A row trigger: in a pgbench comparison a statement-level one with a transition table
            // cost a one-row INSERT (the common case) more, and neither was more than a few µs.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_entries_pending() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "AuditPending" ("EntryId") VALUES (NEW."Id");
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_pending AFTER INSERT ON "AuditEntries"
                    FOR EACH ROW EXECUTE FUNCTION audit_entries_pending();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON "AuditSeals"
                    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON "AuditSeals"
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
                """);
        }
        else
        {
            // SQLite refuses to drop a column a trigger still names; the UPDATE guard is recreated without the seal.
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_update";""");
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" DROP COLUMN "Seq";""");
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" DROP COLUMN "Hash";""");
            migrationBuilder.Sql(AuditSealing.SqliteUpdateTrigger(sealing: false));
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_pending" AFTER INSERT ON "AuditEntries"
                BEGIN INSERT INTO "AuditPending" ("EntryId") VALUES (NEW."Id"); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditSeals_no_update" BEFORE UPDATE ON "AuditSeals"
                BEGIN SELECT RAISE(ABORT, 'AuditSeals is append-only: UPDATE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditSeals_no_delete" BEFORE DELETE ON "AuditSeals"
                WHEN NOT EXISTS (SELECT 1 FROM "AuditRetentionGuard" g JOIN "AuditEntries" e ON e."Id" = OLD."EntryId"
                                 WHERE g."Trail" = 'history' AND g."Kind" = e."EntityType" AND e."At" < g."Before")
                BEGIN SELECT RAISE(ABORT, 'AuditSeals is append-only: DELETE is refused'); END;
                """);
        }
    }

    /// <summary>
    /// The guard of the trail, its anchors and now its seals: nothing is updated any more, and a
    /// DELETE passes only for an entry the retention job's guard row covers, or for the seal of such
    /// an entry (removed first, while the entry still says its kind and time).
    /// </summary>
    private const string GuardFunction = """
        CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'AuditEntries' THEN
                IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" g
                           WHERE g."Trail" = 'history' AND g."Kind" = OLD."EntityType" AND OLD."At" < g."Before") THEN
                    RETURN OLD;
                END IF;
            ELSIF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'AuditSeals' THEN
                IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" g JOIN "AuditEntries" e ON e."Id" = OLD."EntryId"
                           WHERE g."Trail" = 'history' AND g."Kind" = e."EntityType" AND e."At" < g."Before") THEN
                    RETURN OLD;
                END IF;
            END IF;
            RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        """;

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var postgres = migrationBuilder.ActiveProvider == Postgres;
        if (postgres)
        {
            migrationBuilder.Sql("""DROP TRIGGER audit_entries_pending ON "AuditEntries";""");
            migrationBuilder.Sql("DROP FUNCTION audit_entries_pending();");
            migrationBuilder.AddColumn<long>(name: "Seq", table: "AuditEntries", nullable: true);
            migrationBuilder.AddColumn<string>(name: "Hash", table: "AuditEntries", maxLength: 64, nullable: false, defaultValue: "");
            // The seal goes back into its entry: the one UPDATE the guard of that version lets through.
            migrationBuilder.Sql(AuditSealing.PostgresFunction(sealing: true));
        }
        else
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_pending";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_update";""");
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" ADD COLUMN "Seq" INTEGER NULL;""");
            migrationBuilder.Sql("""ALTER TABLE "AuditEntries" ADD COLUMN "Hash" TEXT NOT NULL DEFAULT '';""");
        }

        migrationBuilder.Sql("""
            UPDATE "AuditEntries" SET "Seq" = (SELECT s."Seq" FROM "AuditSeals" s WHERE s."EntryId" = "AuditEntries"."Id"),
                                      "Hash" = (SELECT s."Hash" FROM "AuditSeals" s WHERE s."EntryId" = "AuditEntries"."Id")
            WHERE EXISTS (SELECT 1 FROM "AuditSeals" s WHERE s."EntryId" = "AuditEntries"."Id");
            """);
        if (!postgres)
        {
            migrationBuilder.Sql(AuditSealing.SqliteUpdateTrigger(sealing: true));
        }

        migrationBuilder.CreateIndex("IX_AuditEntries_Seq", "AuditEntries", "Seq", unique: true, filter: "\"Seq\" IS NOT NULL");
        migrationBuilder.CreateIndex("IX_AuditEntries_Unsealed", "AuditEntries", "Id", filter: "\"Seq\" IS NULL");
        migrationBuilder.DropTable("AuditPending");
        migrationBuilder.DropTable("AuditSeals");
    }
}
