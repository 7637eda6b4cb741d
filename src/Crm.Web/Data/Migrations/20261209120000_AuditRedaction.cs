using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// GDPR erasure may redact the trail (ADR 0036): the append-only guard of <c>AuditEntries</c> lets
/// one UPDATE through, and only while the erasure's own transaction has listed the entry in
/// <c>AuditRedactionGuard</c>: the id and every column but <c>Changes</c> and <c>Label</c> stay as
/// they were, and the new changes carry the <c>"$redacted"</c> marker. The guard rows are removed
/// in the same transaction (on PostgreSQL a deferred constraint trigger refuses to commit one that
/// is still there), like the retention guard for deletes. UPDATE of the seals stays refused.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261209120000_AuditRedaction")]
public sealed class AuditRedaction : Migration
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    // Every column of AuditEntries but the two a redaction rewrites.
    private static readonly string[] s_kept =
    [
        "Id", "At", "ActorKind", "ActorUserId", "ActorName", "ApiTokenName", "PreviewedById", "IpAddress", "UserAgent",
        "RequestId", "EntityType", "EntityId", "Action", "ChangesDigest",
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AuditRedactionGuard",
            columns: table => new { EntryId = table.Column<long>(nullable: false) },
            constraints: table => table.PrimaryKey("PK_AuditRedactionGuard", x => x.EntryId));

        if (migrationBuilder.ActiveProvider == Postgres)
        {
            migrationBuilder.Sql(GuardFunction(redaction: true));
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_redaction_guard_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM "AuditRedactionGuard" WHERE "EntryId" = NEW."EntryId") THEN
                        RAISE EXCEPTION 'The audit redaction guard must be removed in the transaction that set it' USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER audit_redaction_guard_cleared AFTER INSERT OR UPDATE ON "AuditRedactionGuard"
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_redaction_guard_cleared();
                """);
        }
        else
        {
            var unchanged = string.Join(" AND ", s_kept.Select(c => $"NEW.\"{c}\" IS OLD.\"{c}\""));
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_update";""");
            migrationBuilder.Sql($"""
                CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries"
                WHEN NOT (EXISTS (SELECT 1 FROM "AuditRedactionGuard" g WHERE g."EntryId" = OLD."Id")
                          AND instr(NEW."Changes", '"$redacted"') > 0 AND {unchanged})
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: UPDATE is refused'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == Postgres)
        {
            migrationBuilder.Sql("""DROP TRIGGER audit_redaction_guard_cleared ON "AuditRedactionGuard";""");
            migrationBuilder.Sql("DROP FUNCTION audit_redaction_guard_cleared();");
            migrationBuilder.Sql(GuardFunction(redaction: false));
        }
        else
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuditEntries_no_update";""");
            migrationBuilder.Sql(AuditSealing.SqliteUpdateTrigger(sealing: false));
        }

        migrationBuilder.DropTable("AuditRedactionGuard");
    }

    /// <summary>
    /// The guard of the trail, its anchors and its seals (migration AuditSealsTable), with or
    /// without the redaction: a DELETE passes only for what the retention guard covers, an UPDATE of
    /// an entry only for a redaction the erasure's guard row lists.
    /// </summary>
    private static string GuardFunction(bool redaction)
    {
        var redact = redaction
            ? """
                ELSIF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'AuditEntries' THEN
                    IF EXISTS (SELECT 1 FROM "AuditRedactionGuard" g WHERE g."EntryId" = OLD."Id")
                       AND position('"$redacted"' IN NEW."Changes") > 0
                       AND to_jsonb(NEW) - 'Changes' - 'Label' = to_jsonb(OLD) - 'Changes' - 'Label' THEN
                        RETURN NEW;
                    END IF;
              """
            : "";
        return $$"""
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
            {{redact}}
                END IF;
                RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$;
            """;
    }
}
