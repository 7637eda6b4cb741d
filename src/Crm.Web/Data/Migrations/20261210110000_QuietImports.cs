using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Imports without automation (issue 26): the requests whose audit entries the trail's readers
/// (webhooks, automation) pass over, and the import's choice. Existing imports keep automation on.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261210110000_QuietImports")]
public sealed class QuietImports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "QuietRequests",
            columns: table => new
            {
                RequestId = table.Column<string>(maxLength: 100, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_QuietRequests", x => x.RequestId));

        migrationBuilder.AddColumn<bool>("SkipAutomation", "ImportRuns", nullable: false, defaultValue: false);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("QuietRequests");
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("SkipAutomation", "ImportRuns");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "ImportRuns" DROP COLUMN "SkipAutomation";""");
        }
    }
}
