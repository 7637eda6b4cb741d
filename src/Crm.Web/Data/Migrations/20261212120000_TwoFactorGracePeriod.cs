using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// A grace period for two-factor enrolment (issue 27, ADR 0048): the policy's number of days (0,
/// as before, for existing installations) and, per user, when the policy came to cover them.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261212120000_TwoFactorGracePeriod")]
public sealed class TwoFactorGracePeriod : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>("GraceDays", "TwoFactorPolicy", nullable: false, defaultValue: 0);

        migrationBuilder.CreateTable(
            name: "TwoFactorCoverage",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                CoveredSince = table.Column<DateTime>(nullable: false),
                GraceApplies = table.Column<bool>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TwoFactorCoverage", x => x.UserId);
                table.ForeignKey("FK_TwoFactorCoverage_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("TwoFactorCoverage");

        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("GraceDays", "TwoFactorPolicy");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "TwoFactorPolicy" DROP COLUMN "GraceDays";""");
        }
    }
}
