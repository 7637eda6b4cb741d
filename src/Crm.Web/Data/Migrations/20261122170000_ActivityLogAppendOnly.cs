using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The activity log becomes append-only like the audit trail (issue 5, ADR 0007): triggers on both
/// providers refuse UPDATE (and TRUNCATE on PostgreSQL) of its rows and refuse DELETE unless the
/// retention guard row covers the row. The guard row gains the trail it opens ("history" or
/// "activity"), because entity types and activity kinds are separate names that could coincide;
/// the trail's own DELETE trigger now also checks it. The guard table is always empty outside the
/// retention job's transaction, so it is rebuilt rather than altered (SQLite cannot add a NOT NULL
/// column without a default, and a default would differ from the model).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122170000_ActivityLogAppendOnly")]
public sealed class ActivityLogAppendOnly : Migration
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var postgres = migrationBuilder.ActiveProvider == Postgres;
        if (!postgres)
        {
            // The trail's DELETE trigger reads the guard table: it goes before the table does.
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_delete";""");
        }

        migrationBuilder.DropTable("AuditRetentionGuard");
        migrationBuilder.CreateTable(
            name: "AuditRetentionGuard",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Trail = table.Column<string>(maxLength: 20, nullable: false),
                Kind = table.Column<string>(maxLength: 50, nullable: false),
                Before = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditRetentionGuard", x => x.Id));

        if (postgres)
        {
            // Dropping the table dropped its commit-time check; the function is still there.
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER audit_retention_guard_cleared AFTER INSERT OR UPDATE ON "AuditRetentionGuard"
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_retention_guard_cleared();
                """);
            migrationBuilder.Sql(AuditFunction(withTrail: true));
            migrationBuilder.Sql("""
                CREATE FUNCTION activity_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" g
                                   WHERE g."Trail" = 'activity' AND g."Kind" = OLD."Kind" AND OLD."At" < g."Before") THEN
                            RETURN OLD;
                        END IF;
                    END IF;
                    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER activity_log_append_only BEFORE UPDATE OR DELETE ON "ActivityLog"
                    FOR EACH ROW EXECUTE FUNCTION activity_log_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER activity_log_no_truncate BEFORE TRUNCATE ON "ActivityLog"
                    FOR EACH STATEMENT EXECUTE FUNCTION activity_log_append_only();
                """);
        }
        else
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                WHEN NOT EXISTS (SELECT 1 FROM "AuditRetentionGuard" g
                                 WHERE g."Trail" = 'history' AND g."Kind" = OLD."EntityType" AND OLD."At" < g."Before")
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "ActivityLog_no_update" BEFORE UPDATE ON "ActivityLog"
                BEGIN SELECT RAISE(ABORT, 'ActivityLog is append-only: UPDATE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "ActivityLog_no_delete" BEFORE DELETE ON "ActivityLog"
                WHEN NOT EXISTS (SELECT 1 FROM "AuditRetentionGuard" g
                                 WHERE g."Trail" = 'activity' AND g."Kind" = OLD."Kind" AND OLD."At" < g."Before")
                BEGIN SELECT RAISE(ABORT, 'ActivityLog is append-only: DELETE is refused'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        var postgres = migrationBuilder.ActiveProvider == Postgres;
        if (postgres)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS activity_log_no_truncate ON "ActivityLog";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS activity_log_append_only ON "ActivityLog";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS activity_log_append_only();");
            migrationBuilder.Sql(AuditFunction(withTrail: false));
        }
        else
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "ActivityLog_no_delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "ActivityLog_no_update";""");
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_delete";""");
        }

        migrationBuilder.DropTable("AuditRetentionGuard");
        migrationBuilder.CreateTable(
            name: "AuditRetentionGuard",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Kind = table.Column<string>(maxLength: 50, nullable: false),
                Before = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditRetentionGuard", x => x.Id));

        if (postgres)
        {
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER audit_retention_guard_cleared AFTER INSERT OR UPDATE ON "AuditRetentionGuard"
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_retention_guard_cleared();
                """);
        }
        else
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                WHEN NOT EXISTS (SELECT 1 FROM "AuditRetentionGuard" g WHERE g."Kind" = OLD."EntityType" AND OLD."At" < g."Before")
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is refused'); END;
                """);
        }
    }

    /// <summary>The trail's guard function (migration AuditRetention), with or without the trail check.</summary>
    private static string AuditFunction(bool withTrail)
    {
        var trail = withTrail ? "g.\"Trail\" = 'history' AND " : "";
        return $$"""
        CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'AuditEntries' THEN
                IF EXISTS (SELECT 1 FROM "AuditRetentionGuard" g
                           WHERE {{trail}}g."Kind" = OLD."EntityType" AND OLD."At" < g."Before") THEN
                    RETURN OLD;
                END IF;
            END IF;
            RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        """;
    }
}
