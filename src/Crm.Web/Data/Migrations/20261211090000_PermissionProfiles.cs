using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Permission profiles (issue 29, ADR 0043): named, reusable sets of grants and field rules, and
/// the profiles each role is built on. An existing organisation is rebuilt on profiles without a
/// change to anyone's rights: every role but the built-in Administrator that grants anything gets
/// a profile of its name holding exactly its grants and field rules, is built on it, and keeps no
/// grants of its own. Down folds the profiles back into the roles (the widest scope, the strictest
/// field rule), as the engine combined them.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261211090000_PermissionProfiles")]
public sealed class PermissionProfiles : Migration
{
    /// <summary>The built-in Administrator role (DefaultRoles.AdministratorRoleId), which keeps its own grants.</summary>
    private const int AdministratorRoleId = 1;

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Profiles",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Description = table.Column<string>(maxLength: 500, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Profiles", x => x.Id));
        migrationBuilder.CreateIndex("IX_Profiles_Name", "Profiles", "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "ProfileGrants",
            columns: table => new
            {
                ProfileId = table.Column<int>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Action = table.Column<string>(maxLength: 50, nullable: false),
                Scope = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ProfileGrants", x => new { x.ProfileId, x.Module, x.Action });
                table.ForeignKey("FK_ProfileGrants_Profiles_ProfileId", x => x.ProfileId, "Profiles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ProfileFieldRules",
            columns: table => new
            {
                ProfileId = table.Column<int>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Field = table.Column<string>(maxLength: 100, nullable: false),
                Access = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ProfileFieldRules", x => new { x.ProfileId, x.Module, x.Field });
                table.ForeignKey("FK_ProfileFieldRules_Profiles_ProfileId", x => x.ProfileId, "Profiles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "RoleProfiles",
            columns: table => new
            {
                RoleId = table.Column<int>(nullable: false),
                ProfileId = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RoleProfiles", x => new { x.RoleId, x.ProfileId });
                table.ForeignKey("FK_RoleProfiles_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_RoleProfiles_Profiles_ProfileId", x => x.ProfileId, "Profiles", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("IX_RoleProfiles_ProfileId", "RoleProfiles", "ProfileId");

        // The rebuild. Role names are unique, so a profile is found again by its role's name. On a new
        // database no role but the Administrator exists yet and nothing happens: the start-up seed
        // builds the default roles on the shipped profiles.
        var administrator = AdministratorRoleId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        migrationBuilder.Sql($"""
            INSERT INTO "Profiles" ("Name", "Description")
            SELECT r."Name", 'The permissions of role ' || r."Name" || ' before profiles existed (made by the upgrade).'
            FROM "Roles" r
            WHERE r."Id" <> {administrator}
              AND (EXISTS (SELECT 1 FROM "RoleGrants" g WHERE g."RoleId" = r."Id")
                   OR EXISTS (SELECT 1 FROM "RoleFieldRules" f WHERE f."RoleId" = r."Id"));
            """);
        migrationBuilder.Sql($"""
            INSERT INTO "ProfileGrants" ("ProfileId", "Module", "Action", "Scope")
            SELECT p."Id", g."Module", g."Action", g."Scope"
            FROM "RoleGrants" g JOIN "Roles" r ON r."Id" = g."RoleId" JOIN "Profiles" p ON p."Name" = r."Name"
            WHERE r."Id" <> {administrator};
            """);
        migrationBuilder.Sql($"""
            INSERT INTO "ProfileFieldRules" ("ProfileId", "Module", "Field", "Access")
            SELECT p."Id", f."Module", f."Field", f."Access"
            FROM "RoleFieldRules" f JOIN "Roles" r ON r."Id" = f."RoleId" JOIN "Profiles" p ON p."Name" = r."Name"
            WHERE r."Id" <> {administrator};
            """);
        migrationBuilder.Sql($"""
            INSERT INTO "RoleProfiles" ("RoleId", "ProfileId")
            SELECT r."Id", p."Id" FROM "Roles" r JOIN "Profiles" p ON p."Name" = r."Name"
            WHERE r."Id" <> {administrator};
            """);
        migrationBuilder.Sql("""DELETE FROM "RoleGrants" WHERE "RoleId" IN (SELECT "RoleId" FROM "RoleProfiles");""");
        migrationBuilder.Sql("""DELETE FROM "RoleFieldRules" WHERE "RoleId" IN (SELECT "RoleId" FROM "RoleProfiles");""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // Each role gets what its profiles gave it: a grant it lacked, a wider scope, a stricter field rule (Hidden = 1 > ReadOnly = 0).
        migrationBuilder.Sql("""
            UPDATE "RoleGrants" SET "Scope" = (
                SELECT MAX(pg."Scope") FROM "RoleProfiles" rp JOIN "ProfileGrants" pg ON pg."ProfileId" = rp."ProfileId"
                WHERE rp."RoleId" = "RoleGrants"."RoleId" AND pg."Module" = "RoleGrants"."Module" AND pg."Action" = "RoleGrants"."Action")
            WHERE "Scope" < (
                SELECT MAX(pg."Scope") FROM "RoleProfiles" rp JOIN "ProfileGrants" pg ON pg."ProfileId" = rp."ProfileId"
                WHERE rp."RoleId" = "RoleGrants"."RoleId" AND pg."Module" = "RoleGrants"."Module" AND pg."Action" = "RoleGrants"."Action");
            """);
        migrationBuilder.Sql("""
            INSERT INTO "RoleGrants" ("RoleId", "Module", "Action", "Scope")
            SELECT rp."RoleId", pg."Module", pg."Action", MAX(pg."Scope")
            FROM "RoleProfiles" rp JOIN "ProfileGrants" pg ON pg."ProfileId" = rp."ProfileId"
            WHERE NOT EXISTS (SELECT 1 FROM "RoleGrants" g WHERE g."RoleId" = rp."RoleId" AND g."Module" = pg."Module" AND g."Action" = pg."Action")
            GROUP BY rp."RoleId", pg."Module", pg."Action";
            """);
        migrationBuilder.Sql("""
            UPDATE "RoleFieldRules" SET "Access" = 1
            WHERE "Access" = 0 AND EXISTS (
                SELECT 1 FROM "RoleProfiles" rp JOIN "ProfileFieldRules" pf ON pf."ProfileId" = rp."ProfileId"
                WHERE rp."RoleId" = "RoleFieldRules"."RoleId" AND pf."Module" = "RoleFieldRules"."Module" AND pf."Field" = "RoleFieldRules"."Field" AND pf."Access" = 1);
            """);
        migrationBuilder.Sql("""
            INSERT INTO "RoleFieldRules" ("RoleId", "Module", "Field", "Access")
            SELECT rp."RoleId", pf."Module", pf."Field", MAX(pf."Access")
            FROM "RoleProfiles" rp JOIN "ProfileFieldRules" pf ON pf."ProfileId" = rp."ProfileId"
            WHERE NOT EXISTS (SELECT 1 FROM "RoleFieldRules" f WHERE f."RoleId" = rp."RoleId" AND f."Module" = pf."Module" AND f."Field" = pf."Field")
            GROUP BY rp."RoleId", pf."Module", pf."Field";
            """);
        migrationBuilder.DropTable("RoleProfiles");
        migrationBuilder.DropTable("ProfileFieldRules");
        migrationBuilder.DropTable("ProfileGrants");
        migrationBuilder.DropTable("Profiles");
    }
}
