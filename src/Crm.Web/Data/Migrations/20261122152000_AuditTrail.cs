using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The audit trail: an append-only table of entries chained by hash (ADR 0006), with triggers on
/// both providers that refuse UPDATE and DELETE; the activity log gains the request id and an
/// index for the IP filter.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122152000_AuditTrail")]
public sealed class AuditTrail : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AuditEntries",
            columns: table => new
            {
                // Assigned by the writer under the chain lock (last + 1), not generated.
                Id = table.Column<long>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                ActorKind = table.Column<string>(maxLength: 20, nullable: false),
                ActorUserId = table.Column<Guid>(nullable: true),
                ActorName = table.Column<string>(maxLength: 200, nullable: false),
                ApiTokenName = table.Column<string>(maxLength: 100, nullable: true),
                PreviewedById = table.Column<Guid>(nullable: true),
                IpAddress = table.Column<string>(maxLength: 64, nullable: true),
                UserAgent = table.Column<string>(maxLength: 512, nullable: true),
                RequestId = table.Column<string>(maxLength: 100, nullable: true),
                EntityType = table.Column<string>(maxLength: 50, nullable: false),
                EntityId = table.Column<string>(maxLength: 100, nullable: false),
                Label = table.Column<string>(maxLength: 300, nullable: false),
                Action = table.Column<string>(maxLength: 30, nullable: false),
                Changes = table.Column<string>(nullable: false),
                ChangesDigest = table.Column<string>(maxLength: 64, nullable: false),
                Hash = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AuditEntries", x => x.Id));

        migrationBuilder.CreateIndex("IX_AuditEntries_EntityType_EntityId_Id", "AuditEntries", ["EntityType", "EntityId", "Id"]);
        migrationBuilder.CreateIndex("IX_AuditEntries_Action_Id", "AuditEntries", ["Action", "Id"]);
        migrationBuilder.CreateIndex("IX_AuditEntries_ActorUserId_Id", "AuditEntries", ["ActorUserId", "Id"]);
        migrationBuilder.CreateIndex("IX_AuditEntries_At", "AuditEntries", "At");

        migrationBuilder.AddColumn<string>(name: "RequestId", table: "ActivityLog", maxLength: 100, nullable: true);
        migrationBuilder.CreateIndex("IX_ActivityLog_IpAddress_At", "ActivityLog", ["IpAddress", "At"]);

        // The application's own connection cannot change or remove an entry: only appending is possible.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'AuditEntries is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON "AuditEntries"
                    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON "AuditEntries"
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
                """);
        }
        else
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries"
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: UPDATE is refused'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries"
                BEGIN SELECT RAISE(ABORT, 'AuditEntries is append-only: DELETE is refused'); END;
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_ActivityLog_IpAddress_At", "ActivityLog");
        migrationBuilder.DropColumn("RequestId", "ActivityLog");
        migrationBuilder.DropTable("AuditEntries");
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_entries_append_only();");
        }
    }
}
