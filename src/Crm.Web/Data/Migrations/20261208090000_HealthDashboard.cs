using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The health dashboard (ADR 0031): administrators' thresholds per indicator, each indicator's
/// figure and state per day (30 days kept), and the state administrators were last told about.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261208090000_HealthDashboard")]
public sealed class HealthDashboard : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "HealthThresholds",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 100, nullable: false),
                Warning = table.Column<double>(nullable: false),
                Critical = table.Column<double>(nullable: false),
                ChangedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_HealthThresholds", x => x.Key));

        migrationBuilder.CreateTable(
            name: "HealthReadings",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 100, nullable: false),
                Day = table.Column<DateOnly>(nullable: false),
                Figure = table.Column<double>(nullable: true),
                State = table.Column<int>(nullable: false),
                MeasuredAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_HealthReadings", x => new { x.Key, x.Day }));
        migrationBuilder.CreateIndex("IX_HealthReadings_Day", "HealthReadings", "Day");

        migrationBuilder.CreateTable(
            name: "HealthStatuses",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 100, nullable: false),
                State = table.Column<int>(nullable: false),
                Since = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_HealthStatuses", x => x.Key));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("HealthStatuses");
        migrationBuilder.DropTable("HealthReadings");
        migrationBuilder.DropTable("HealthThresholds");
    }
}
