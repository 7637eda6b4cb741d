using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Health (issue 27): the audit check's record of its runs, read by the "audit chain last verified"
/// indicator, and the administrators who opted in to the daily health digest with the day of the
/// last one sent.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261212110000_HealthDigestAndAuditChecks")]
public sealed class HealthDigestAndAuditChecks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AuditVerifications",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RanAt = table.Column<DateTime>(nullable: false),
                Intact = table.Column<bool>(nullable: false),
                Checked = table.Column<long>(nullable: false),
                FirstBrokenId = table.Column<long>(nullable: true),
                Problem = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditVerifications", x => x.Id));
        migrationBuilder.CreateIndex("IX_AuditVerifications_RanAt", "AuditVerifications", "RanAt");

        migrationBuilder.CreateTable(
            name: "HealthDigestSubscriptions",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                SubscribedAt = table.Column<DateTime>(nullable: false),
                LastSentDay = table.Column<DateOnly>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_HealthDigestSubscriptions", x => x.UserId);
                table.ForeignKey("FK_HealthDigestSubscriptions_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("HealthDigestSubscriptions");
        migrationBuilder.DropTable("AuditVerifications");
    }
}
