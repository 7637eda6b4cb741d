using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Rules on users (issue 25, ADR 0050): a run's record may be keyed by a GUID (a user), written in
/// its own column; the runs of the CRM's records keep their whole-number ID and leave it empty.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261213100000_AutomationRunRecordKey")]
public sealed class AutomationRunRecordKey : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("RecordKey", "AutomationRuns", maxLength: 100, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("RecordKey", "AutomationRuns");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "AutomationRuns" DROP COLUMN "RecordKey";""");
        }
    }
}
