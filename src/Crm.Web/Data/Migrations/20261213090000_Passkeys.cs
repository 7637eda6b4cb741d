using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Passkeys (issue 27, ADR 0049): each person's registered passkeys, the ceremonies in progress
/// (single-use challenges), and the policy's switch for passwordless sign-in (off, also for
/// existing installations).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261213090000_Passkeys")]
public sealed class Passkeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>("PasswordlessSignIn", "TwoFactorPolicy", nullable: false, defaultValue: false);

        migrationBuilder.CreateTable(
            name: "Passkeys",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                CredentialId = table.Column<byte[]>(maxLength: 1023, nullable: false),
                PublicKey = table.Column<byte[]>(nullable: false),
                SignCount = table.Column<long>(nullable: false),
                Transports = table.Column<string>(maxLength: 200, nullable: true),
                IsUserVerified = table.Column<bool>(nullable: false),
                IsBackupEligible = table.Column<bool>(nullable: false),
                IsBackedUp = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastUsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Passkeys", x => x.Id);
                table.ForeignKey("FK_Passkeys_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_Passkeys_CredentialId", "Passkeys", "CredentialId", unique: true);
        migrationBuilder.CreateIndex("IX_Passkeys_UserId", "Passkeys", "UserId");

        migrationBuilder.CreateTable(
            name: "PasskeyChallenges",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                Purpose = table.Column<string>(maxLength: 20, nullable: false),
                UserId = table.Column<Guid>(nullable: true),
                SessionId = table.Column<Guid>(nullable: true),
                Name = table.Column<string>(maxLength: 100, nullable: true),
                State = table.Column<string>(maxLength: 4000, nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_PasskeyChallenges", x => x.Id));
        migrationBuilder.CreateIndex("IX_PasskeyChallenges_ExpiresAt", "PasskeyChallenges", "ExpiresAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("PasskeyChallenges");
        migrationBuilder.DropTable("Passkeys");

        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("PasswordlessSignIn", "TwoFactorPolicy");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "TwoFactorPolicy" DROP COLUMN "PasswordlessSignIn";""");
        }
    }
}
