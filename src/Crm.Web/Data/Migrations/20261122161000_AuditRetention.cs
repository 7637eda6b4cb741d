using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Retention of history and activity-log entries: the periods per kind, the anchors the retention
/// job leaves in the hash chain, and the guard row that is the one exception to the trail's
/// append-only triggers (ADR 0007). The DELETE trigger of the trail is replaced by one that lets
/// through only entries of the guarded kind older than the guarded cut-off; UPDATE stays refused.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122161000_AuditRetention")]
public sealed class AuditRetention : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "RetentionPeriods",
            columns: table => new
            {
                Trail = table.Column<string>(maxLength: 20, nullable: false),
                Kind = table.Column<string>(maxLength: 50, nullable: false),
                KeepDays = table.Column<int>(nullable: false),
                ChangedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_RetentionPeriods", x => new { x.Trail, x.Kind }));

        migrationBuilder.CreateTable(
            name: "AuditGaps",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                FromId = table.Column<long>(nullable: false),
                ToId = table.Column<long>(nullable: false),
                LastHash = table.Column<string>(maxLength: 64, nullable: false),
                PrunedByEntryId = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditGaps", x => x.Id));
        migrationBuilder.CreateIndex("IX_AuditGaps_ToId", "AuditGaps", "ToId");
        migrationBuilder.CreateIndex("IX_AuditGaps_PrunedByEntryId", "AuditGaps", "PrunedByEntryId");

        migrationBuilder.CreateTable(
            name: "AuditRetentionGuard",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Kind = table.Column<string>(maxLength: 50, nullable: false),
                Before = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditRetentionGuard", x => x.Id));

        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            // One function guards the trail and its anchors. Only a DELETE of an entry covered by
            // the guard row passes; the nested IF keeps OLD."EntityType" out of the AuditGaps case.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'AuditEntries' THEN
                        IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" g WHERE g."Kind" = OLD."EntityType" AND OLD."At" < g."Before") THEN
                            RETURN OLD;
                        END IF;
                    END IF;
                    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_gaps_append_only BEFORE UPDATE OR DELETE ON "AuditGaps"
                    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_gaps_no_truncate BEFORE TRUNCATE ON "AuditGaps"
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
                """);
            // A guard row must be gone again when its transaction commits: checked at commit time.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_retention_guard_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" WHERE "Id" = NEW."Id") THEN
                        RAISE EXCEPTION 'The audit retention guard must be removed in the transaction that set it' USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER audit_retention_guard_cleared AFTER INSERT OR UPDATE ON "AuditRetentionGuard"
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_retention_guard_cleared();
                """);
        }
        else
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_delete";""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                WHEN NOT EXISTS (SELECT 1 FROM "AuditRetentionGuard" g WHERE g."Kind" = OLD."EntityType" AND OLD."At" < g."Before")
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditGaps_no_update" BEFORE UPDATE ON "AuditGaps"
                BEGIN SELECT RAISE(ABORT, 'AuditGaps is append-only: UPDATE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditGaps_no_delete" BEFORE DELETE ON "AuditGaps"
                BEGIN SELECT RAISE(ABORT, 'AuditGaps is append-only: DELETE is refused'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var postgres = migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL";
        if (postgres)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'AuditEntries is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                """);
        }
        else
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_delete";""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is refused'); END;
                """);
        }

        migrationBuilder.DropTable("AuditRetentionGuard");
        migrationBuilder.DropTable("AuditGaps");
        migrationBuilder.DropTable("RetentionPeriods");
        if (postgres)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_retention_guard_cleared();");
        }
    }
}
