using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Scheduled rules (issue 25): the time of day a rule runs over its module's records; other rules have none.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261212100000_AutomationScheduleTime")]
public sealed class AutomationScheduleTime : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<TimeOnly>("TriggerTime", "AutomationRules", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("TriggerTime", "AutomationRules");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "AutomationRules" DROP COLUMN "TriggerTime";""");
        }
    }
}
