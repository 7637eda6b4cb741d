using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Date rules timed in hours as well as days (issue 25): the hours beside a rule's days; existing rules count days only.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261210130000_AutomationHourOffsets")]
public sealed class AutomationHourOffsets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<int>("TriggerOffsetHours", "AutomationRules", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("TriggerOffsetHours", "AutomationRules");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "AutomationRules" DROP COLUMN "TriggerOffsetHours";""");
        }
    }
}
