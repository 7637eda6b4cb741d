using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>The register of data-protection rights requests (ADR 0032).</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261208100000_GdprRequests")]
public sealed class GdprRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "GdprRequests",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                PersonModule = table.Column<string>(maxLength: 20, nullable: true),
                PersonId = table.Column<int>(nullable: true),
                ReceivedOn = table.Column<DateOnly>(nullable: false),
                ReceivedById = table.Column<Guid>(nullable: true),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                RefusalReason = table.Column<string>(maxLength: 2000, nullable: true),
                Notes = table.Column<string>(maxLength: 4000, nullable: true),
                ClosedOn = table.Column<DateOnly>(nullable: true),
                RemindersSent = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GdprRequests", x => x.Id);
                table.ForeignKey("FK_GdprRequests_Users_ReceivedById", x => x.ReceivedById, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex("IX_GdprRequests_ReceivedById", "GdprRequests", "ReceivedById");
        migrationBuilder.CreateIndex("IX_GdprRequests_Status_ReceivedOn", "GdprRequests", ["Status", "ReceivedOn"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("GdprRequests");
}
