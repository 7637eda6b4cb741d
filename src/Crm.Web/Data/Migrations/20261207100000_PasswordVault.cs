using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The team password vault (ADR 0030): categories, entries with their secrets as ciphertexts, grants
/// per entry or category, the protected vault key; and on each session the instant of its last
/// password confirmation, for the "fresh sign-in" check of sensitive actions.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261207100000_PasswordVault")]
public sealed class PasswordVault : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>("ReauthenticatedAt", "UserSessions", nullable: true);

        migrationBuilder.CreateTable(
            name: "VaultKeys",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                ProtectedKey = table.Column<string>(maxLength: 2000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_VaultKeys", x => x.Id));

        migrationBuilder.CreateTable(
            name: "VaultCategories",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                RotationDays = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_VaultCategories", x => x.Id));
        migrationBuilder.CreateIndex("IX_VaultCategories_Name", "VaultCategories", "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "VaultEntries",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                CategoryId = table.Column<int>(nullable: false),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                Url = table.Column<string>(maxLength: 2000, nullable: true),
                UserName = table.Column<string>(maxLength: 200, nullable: true),
                SecretsId = table.Column<Guid>(nullable: false),
                EncryptedPassword = table.Column<string>(maxLength: 4000, nullable: false),
                EncryptedNotes = table.Column<string>(maxLength: 16000, nullable: true),
                EncryptedTotpSeed = table.Column<string>(maxLength: 1000, nullable: true),
                PasswordChangedAt = table.Column<DateTime>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_VaultEntries", x => x.Id);
                table.ForeignKey("FK_VaultEntries_VaultCategories_CategoryId", x => x.CategoryId, "VaultCategories", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_VaultEntries_Users_CreatedById", x => x.CreatedById, "Users", "Id", onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex("IX_VaultEntries_CategoryId", "VaultEntries", "CategoryId");
        migrationBuilder.CreateIndex("IX_VaultEntries_CreatedById", "VaultEntries", "CreatedById");

        migrationBuilder.CreateTable(
            name: "VaultGrants",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                CategoryId = table.Column<int>(nullable: true),
                EntryId = table.Column<int>(nullable: true),
                UserId = table.Column<Guid>(nullable: true),
                GroupId = table.Column<int>(nullable: true),
                RoleId = table.Column<int>(nullable: true),
                WithSubordinates = table.Column<bool>(nullable: false),
                DepartmentId = table.Column<int>(nullable: true),
                Access = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_VaultGrants", x => x.Id);
                table.ForeignKey("FK_VaultGrants_VaultCategories_CategoryId", x => x.CategoryId, "VaultCategories", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_VaultGrants_VaultEntries_EntryId", x => x.EntryId, "VaultEntries", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_VaultGrants_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_VaultGrants_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_VaultGrants_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_VaultGrants_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.Cascade);
            });
        foreach (var column in new[] { "CategoryId", "EntryId", "UserId", "GroupId", "RoleId", "DepartmentId" })
        {
            migrationBuilder.CreateIndex($"IX_VaultGrants_{column}", "VaultGrants", column);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("VaultGrants");
        migrationBuilder.DropTable("VaultEntries");
        migrationBuilder.DropTable("VaultCategories");
        migrationBuilder.DropTable("VaultKeys");

        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("ReauthenticatedAt", "UserSessions");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "UserSessions" DROP COLUMN "ReauthenticatedAt";""");
        }
    }
}
