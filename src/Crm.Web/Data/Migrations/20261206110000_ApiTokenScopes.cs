using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// API token scopes (ADR 0028): the modules and actions a token is limited to. Existing tokens get
/// null, which keeps their meaning: everything their user may.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261206110000_ApiTokenScopes")]
public sealed class ApiTokenScopes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("Scopes", "ApiTokens", maxLength: 2000, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn here (it would rebuild the table from a model a
        // hand-written migration does not carry); SQLite itself drops a plain column since 3.35.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("Scopes", "ApiTokens");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "ApiTokens" DROP COLUMN "Scopes";""");
        }
    }
}
