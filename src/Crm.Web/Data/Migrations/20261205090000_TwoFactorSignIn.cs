using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Two-factor sign-in (ADR 0025): each user's authenticator key (encrypted) with the time step of
/// the last code accepted, their recovery codes (hashed), the organisation's policy row and the roles whose members must use it. The
/// policy is on for a new installation (no users yet) and off for an existing one, whose
/// administrators have not enrolled and would otherwise be held at their next sign-in.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261205090000_TwoFactorSignIn")]
public sealed class TwoFactorSignIn : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "TwoFactorEnrolments",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                ProtectedSecret = table.Column<string>(maxLength: 1000, nullable: false),
                StartedAt = table.Column<DateTime>(nullable: false),
                ConfirmedAt = table.Column<DateTime>(nullable: true),
                LastAcceptedStep = table.Column<long>(nullable: true),
                LastUsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TwoFactorEnrolments", x => x.UserId);
                table.ForeignKey("FK_TwoFactorEnrolments_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "RecoveryCodes",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                CodeHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RecoveryCodes", x => x.Id);
                table.ForeignKey("FK_RecoveryCodes_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_RecoveryCodes_UserId", "RecoveryCodes", "UserId");

        migrationBuilder.CreateTable(
            name: "TwoFactorPolicy",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                RequiredForAdministrators = table.Column<bool>(nullable: false),
                ChangedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_TwoFactorPolicy", x => x.Id));

        migrationBuilder.CreateTable(
            name: "TwoFactorRoleRequirements",
            columns: table => new { RoleId = table.Column<int>(nullable: false) },
            constraints: table =>
            {
                table.PrimaryKey("PK_TwoFactorRoleRequirements", x => x.RoleId);
                table.ForeignKey("FK_TwoFactorRoleRequirements_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
            });

        // TRUE and FALSE are boolean on PostgreSQL and 1 and 0 on SQLite: one statement for both.
        migrationBuilder.Sql("""
            INSERT INTO "TwoFactorPolicy" ("Id", "RequiredForAdministrators")
            SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM "Users") THEN FALSE ELSE TRUE END;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("TwoFactorRoleRequirements");
        migrationBuilder.DropTable("TwoFactorPolicy");
        migrationBuilder.DropTable("RecoveryCodes");
        migrationBuilder.DropTable("TwoFactorEnrolments");
    }
}
