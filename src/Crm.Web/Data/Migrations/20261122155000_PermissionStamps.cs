using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>The one-row stamp that lets permission subjects be reused while nothing that shapes them changed.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122155000_PermissionStamps")]
public sealed class PermissionStamps : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "PermissionStamps",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Token = table.Column<Guid>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_PermissionStamps", x => x.Id));
        // Hand-written migrations carry no target model, so the row is inserted with the column types spelled out.
        var postgres = migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL";
        migrationBuilder.InsertData("PermissionStamps", ["Id", "Token"], postgres ? ["integer", "uuid"] : ["INTEGER", "TEXT"], [1, Guid.NewGuid()]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "PermissionStamps");
}
