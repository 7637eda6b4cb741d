using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Webhooks (ADR 0026): the endpoints with their encrypted signing secrets, one delivery per event
/// and endpoint, every attempt, and the cursor over the sealed audit trail that events are read
/// from. The cursor starts at the trail's current end: history written before webhooks existed is
/// never sent.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261206090000_Webhooks")]
public sealed class Webhooks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "WebhookEndpoints",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Url = table.Column<string>(maxLength: 2000, nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Modules = table.Column<string>(maxLength: 500, nullable: false),
                Events = table.Column<string>(maxLength: 500, nullable: false),
                IsEnabled = table.Column<bool>(nullable: false),
                DisabledReason = table.Column<string>(maxLength: 500, nullable: true),
                ProtectedSecret = table.Column<string>(maxLength: 1000, nullable: false),
                ProtectedPreviousSecret = table.Column<string>(maxLength: 1000, nullable: true),
                PreviousSecretUntil = table.Column<DateTime>(nullable: true),
                DebugUntil = table.Column<DateTime>(nullable: true),
                FailingSince = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedByUserId = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookEndpoints", x => x.Id);
                table.ForeignKey("FK_WebhookEndpoints_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_WebhookEndpoints_UserId", "WebhookEndpoints", "UserId");

        migrationBuilder.CreateTable(
            name: "WebhookDeliveries",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                EndpointId = table.Column<Guid>(nullable: false),
                EventType = table.Column<string>(maxLength: 100, nullable: false),
                AuditEntryId = table.Column<long>(nullable: true),
                Body = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: true),
                LastAttemptAt = table.Column<DateTime>(nullable: true),
                DeliveredAt = table.Column<DateTime>(nullable: true),
                LastStatusCode = table.Column<int>(nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
                LeaseOwner = table.Column<Guid>(nullable: true),
                LeasedUntil = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                table.ForeignKey("FK_WebhookDeliveries_WebhookEndpoints_EndpointId", x => x.EndpointId, "WebhookEndpoints", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_WebhookDeliveries_Status_NextAttemptAt", "WebhookDeliveries", ["Status", "NextAttemptAt"]);
        migrationBuilder.CreateIndex("IX_WebhookDeliveries_EndpointId_CreatedAt", "WebhookDeliveries", ["EndpointId", "CreatedAt"]);

        migrationBuilder.CreateTable(
            name: "WebhookAttempts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                DeliveryId = table.Column<Guid>(nullable: false),
                EndpointId = table.Column<Guid>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                StatusCode = table.Column<int>(nullable: true),
                DurationMs = table.Column<int>(nullable: false),
                Succeeded = table.Column<bool>(nullable: false),
                Response = table.Column<string>(maxLength: 2048, nullable: true),
                Error = table.Column<string>(maxLength: 2000, nullable: true),
                RequestBody = table.Column<string>(nullable: true),
                ResponseBody = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookAttempts", x => x.Id);
                table.ForeignKey("FK_WebhookAttempts_WebhookDeliveries_DeliveryId", x => x.DeliveryId, "WebhookDeliveries", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_WebhookAttempts_EndpointId_At", "WebhookAttempts", ["EndpointId", "At"]);
        migrationBuilder.CreateIndex("IX_WebhookAttempts_DeliveryId_Id", "WebhookAttempts", ["DeliveryId", "Id"]);
        migrationBuilder.CreateIndex("IX_WebhookAttempts_At", "WebhookAttempts", "At");

        migrationBuilder.CreateTable(
            name: "WebhookCursor",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                AuditSealSeq = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_WebhookCursor", x => x.Id));

        migrationBuilder.Sql("""
            INSERT INTO "WebhookCursor" ("Id", "AuditSealSeq") SELECT 1, COALESCE(MAX("Seq"), 0) FROM "AuditSeals";
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("WebhookCursor");
        migrationBuilder.DropTable("WebhookAttempts");
        migrationBuilder.DropTable("WebhookDeliveries");
        migrationBuilder.DropTable("WebhookEndpoints");
    }
}
