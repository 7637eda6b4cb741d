using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>The integration user kind (issue 24, ADR 0039): every existing account stays a person.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261210090000_IntegrationUsers")]
public sealed class IntegrationUsers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<bool>("IsIntegration", "Users", nullable: false, defaultValue: false);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("IsIntegration", "Users");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "Users" DROP COLUMN "IsIntegration";""");
        }
    }
}
