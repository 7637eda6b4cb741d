using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Companies point at the country their country value matched (empty when it matched none).</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122154000_CompanyCountries")]
public sealed class CompanyCountries : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "CountryId", table: "Companies", nullable: true);
        migrationBuilder.CreateIndex(name: "IX_Companies_CountryId", table: "Companies", column: "CountryId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "IX_Companies_CountryId", table: "Companies");
        migrationBuilder.DropColumn(name: "CountryId", table: "Companies");
    }
}
