using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Workflow automation (ADR 0029): the rules, their runs and queued actions, and the cursor over
/// the sealed audit trail that rules are fired from. The cursor starts at the trail's current end:
/// changes made before automation existed fire nothing.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261207090000_Automation")]
public sealed class Automation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AutomationRules",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Trigger = table.Column<string>(maxLength: 20, nullable: false),
                TriggerField = table.Column<string>(maxLength: 100, nullable: true),
                TriggerValue = table.Column<string>(maxLength: 500, nullable: true),
                Conditions = table.Column<string>(maxLength: 20000, nullable: false),
                Actions = table.Column<string>(maxLength: 20000, nullable: false),
                IsEnabled = table.Column<bool>(nullable: false),
                StoppedReason = table.Column<string>(maxLength: 500, nullable: true),
                OwnerId = table.Column<Guid>(nullable: true),
                AutomationUserId = table.Column<Guid>(nullable: false),
                Version = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ModifiedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AutomationRules", x => x.Id);
                table.ForeignKey("FK_AutomationRules_Users_AutomationUserId", x => x.AutomationUserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AutomationRules_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex("IX_AutomationRules_Module_IsEnabled", "AutomationRules", ["Module", "IsEnabled"]);
        migrationBuilder.CreateIndex("IX_AutomationRules_AutomationUserId", "AutomationRules", "AutomationUserId");
        migrationBuilder.CreateIndex("IX_AutomationRules_OwnerId", "AutomationRules", "OwnerId");

        migrationBuilder.CreateTable(
            name: "AutomationRuns",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RuleId = table.Column<Guid>(nullable: false),
                RuleVersion = table.Column<int>(nullable: false),
                AuditEntryId = table.Column<long>(nullable: true),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                RecordId = table.Column<int>(nullable: false),
                RecordLabel = table.Column<string>(maxLength: 300, nullable: false),
                Trigger = table.Column<string>(maxLength: 20, nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Matched = table.Column<bool>(nullable: false),
                Steps = table.Column<string>(nullable: false),
                DurationMs = table.Column<int>(nullable: false),
                Error = table.Column<string>(maxLength: 2000, nullable: true),
                Depth = table.Column<int>(nullable: false),
                Chain = table.Column<string>(maxLength: 1000, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AutomationRuns", x => x.Id);
                table.ForeignKey("FK_AutomationRuns_AutomationRules_RuleId", x => x.RuleId, "AutomationRules", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_AutomationRuns_RuleId_At", "AutomationRuns", ["RuleId", "At"]);

        migrationBuilder.CreateTable(
            name: "AutomationActionRuns",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RunId = table.Column<Guid>(nullable: false),
                RuleId = table.Column<Guid>(nullable: false),
                Position = table.Column<int>(nullable: false),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                Plan = table.Column<string>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: true),
                LastAttemptAt = table.Column<DateTime>(nullable: true),
                DoneAt = table.Column<DateTime>(nullable: true),
                Outcome = table.Column<string>(maxLength: 2000, nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
                LeaseOwner = table.Column<Guid>(nullable: true),
                LeasedUntil = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AutomationActionRuns", x => x.Id);
                table.ForeignKey("FK_AutomationActionRuns_AutomationRuns_RunId", x => x.RunId, "AutomationRuns", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_AutomationActionRuns_Status_NextAttemptAt", "AutomationActionRuns", ["Status", "NextAttemptAt"]);
        migrationBuilder.CreateIndex("IX_AutomationActionRuns_RunId_Position", "AutomationActionRuns", ["RunId", "Position"]);

        migrationBuilder.CreateTable(
            name: "AutomationCursor",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                AuditSealSeq = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AutomationCursor", x => x.Id));

        migrationBuilder.Sql("""
            INSERT INTO "AutomationCursor" ("Id", "AuditSealSeq") SELECT 1, COALESCE(MAX("Seq"), 0) FROM "AuditSeals";
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("AutomationCursor");
        migrationBuilder.DropTable("AutomationActionRuns");
        migrationBuilder.DropTable("AutomationRuns");
        migrationBuilder.DropTable("AutomationRules");
    }
}
