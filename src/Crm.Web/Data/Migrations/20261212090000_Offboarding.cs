using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The offboarding wizard (issue 27): the steps done for a leaver and the checklist of external
/// systems whose access the administrator ended, both kept with the user and gone with them.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261212090000_Offboarding")]
public sealed class Offboarding : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OffboardingSteps",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                Step = table.Column<string>(maxLength: 40, nullable: false),
                DoneAt = table.Column<DateTime>(nullable: false),
                DoneById = table.Column<Guid>(nullable: true),
                DoneByName = table.Column<string>(maxLength: 200, nullable: false),
                Detail = table.Column<string>(maxLength: 2000, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OffboardingSteps", x => new { x.UserId, x.Step });
                table.ForeignKey("FK_OffboardingSteps_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "OffboardingChecks",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                UserId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Position = table.Column<int>(nullable: false),
                IsRevoked = table.Column<bool>(nullable: false),
                RevokedAt = table.Column<DateTime>(nullable: true),
                RevokedByName = table.Column<string>(maxLength: 200, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OffboardingChecks", x => x.Id);
                table.ForeignKey("FK_OffboardingChecks_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_OffboardingChecks_UserId_Position", "OffboardingChecks", ["UserId", "Position"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("OffboardingChecks");
        migrationBuilder.DropTable("OffboardingSteps");
    }
}
