using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>A role's maximum number of rows per export (issue 26, ADR 0037); empty for every existing role: no limit.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261209130100_ExportRowLimit")]
public sealed class ExportRowLimit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<int>("MaxExportRows", "Roles", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("MaxExportRows", "Roles");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "Roles" DROP COLUMN "MaxExportRows";""");
        }
    }
}
