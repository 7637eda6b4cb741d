using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Rules timed on a date (issue 25): a rule's days from its date, the occurrences it fired (one row
/// per rule, record and date, so it fires once), and indexes on the two dates rules can wait for, so
/// finding what is due is a range read, not a scan of every deal or task.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261209110000_AutomationDateTriggers")]
public sealed class AutomationDateTriggers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>("TriggerOffsetDays", "AutomationRules", nullable: true);
        migrationBuilder.CreateTable(
            name: "AutomationOccurrences",
            columns: table => new
            {
                RuleId = table.Column<Guid>(nullable: false),
                RecordId = table.Column<int>(nullable: false),
                FieldDate = table.Column<DateOnly>(nullable: false),
                DueOn = table.Column<DateOnly>(nullable: false),
                FiredAt = table.Column<DateTime>(nullable: false),
                RunId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AutomationOccurrences", x => new { x.RuleId, x.RecordId, x.FieldDate });
                table.ForeignKey("FK_AutomationOccurrences_AutomationRules_RuleId", x => x.RuleId, "AutomationRules", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_AutomationOccurrences_FiredAt", "AutomationOccurrences", "FiredAt");
        migrationBuilder.CreateIndex("IX_Deals_ExpectedClose", "Deals", "ExpectedClose");
        migrationBuilder.CreateIndex("IX_Tasks_DueDate", "Tasks", "DueDate");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_Tasks_DueDate", "Tasks");
        migrationBuilder.DropIndex("IX_Deals_ExpectedClose", "Deals");
        migrationBuilder.DropTable("AutomationOccurrences");

        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("TriggerOffsetDays", "AutomationRules");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "AutomationRules" DROP COLUMN "TriggerOffsetDays";""");
        }
    }
}
