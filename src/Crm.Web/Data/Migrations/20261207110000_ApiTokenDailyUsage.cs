using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// API tokens' daily figures (ADR 0028): requests and errors per token and day, added to by the
/// batched flushes that replaced the write on every request. Existing tokens keep their last use
/// and use count; their daily figures start now.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261207110000_ApiTokenDailyUsage")]
public sealed class ApiTokenDailyUsage : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ApiTokenDailyUsage",
            columns: table => new
            {
                TokenId = table.Column<Guid>(nullable: false),
                Day = table.Column<DateOnly>(nullable: false),
                Requests = table.Column<long>(nullable: false),
                Errors = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiTokenDailyUsage", x => new { x.TokenId, x.Day });
                table.ForeignKey("FK_ApiTokenDailyUsage_ApiTokens_TokenId", x => x.TokenId, "ApiTokens", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_ApiTokenDailyUsage_Day", "ApiTokenDailyUsage", "Day");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("ApiTokenDailyUsage");
}
