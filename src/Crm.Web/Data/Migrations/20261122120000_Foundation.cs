using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Roles and users (ASP.NET Core Identity under the CRM's names; every user has exactly one
/// role), server-side sessions and the Data Protection key ring. The built-in Administrator role
/// (id 1) is created here so the first administrator has a role from the start. Column types come from each provider's mapping of the CLR type, so the
/// same operations build the same schema as the model on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122120000_Foundation")]
public sealed class Foundation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                FriendlyName = table.Column<string>(maxLength: 200, nullable: true),
                Xml = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DataProtectionKeys", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Roles",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Description = table.Column<string>(maxLength: 500, nullable: true),
                ParentId = table.Column<int>(nullable: true),
                AssignRecordsTo = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Roles", x => x.Id);
                table.ForeignKey("FK_Roles_Roles_ParentId", x => x.ParentId, "Roles", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.Sql("""INSERT INTO "Roles" ("Id", "Name", "AssignRecordsTo") VALUES (1, 'Administrator', 0)""");
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            // The row above was given its id by hand: move the identity past it.
            migrationBuilder.Sql("""SELECT setval(pg_get_serial_sequence('"Roles"', 'Id'), 1)""");
        }

        migrationBuilder.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                FullName = table.Column<string>(maxLength: 200, nullable: false),
                IsActive = table.Column<bool>(nullable: false),
                IsAdministrator = table.Column<bool>(nullable: false),
                MustChangePassword = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastSignInAt = table.Column<DateTime>(nullable: true),
                RoleId = table.Column<int>(nullable: false),
                Language = table.Column<string>(maxLength: 10, nullable: true),
                TimeZone = table.Column<string>(maxLength: 64, nullable: true),
                UserName = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(maxLength: 256, nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(nullable: false),
                PasswordHash = table.Column<string>(nullable: true),
                SecurityStamp = table.Column<string>(nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
                PhoneNumber = table.Column<string>(nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(nullable: false),
                TwoFactorEnabled = table.Column<bool>(nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(nullable: true),
                LockoutEnabled = table.Column<bool>(nullable: false),
                AccessFailedCount = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Users", x => x.Id);
                table.ForeignKey("FK_Users_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "UserClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                UserId = table.Column<Guid>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserClaims", x => x.Id);
                table.ForeignKey("FK_UserClaims_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(nullable: false),
                ProviderKey = table.Column<string>(nullable: false),
                ProviderDisplayName = table.Column<string>(nullable: true),
                UserId = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey("FK_UserLogins_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UserSessions",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastSeenAt = table.Column<DateTime>(nullable: false),
                RevokedAt = table.Column<DateTime>(nullable: true),
                IpAddress = table.Column<string>(maxLength: 64, nullable: true),
                UserAgent = table.Column<string>(maxLength: 512, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserSessions", x => x.Id);
                table.ForeignKey("FK_UserSessions_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UserTokens",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                LoginProvider = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                Value = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey("FK_UserTokens_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_UserClaims_UserId", "UserClaims", "UserId");
        migrationBuilder.CreateIndex("IX_UserLogins_UserId", "UserLogins", "UserId");
        migrationBuilder.CreateIndex("EmailIndex", "Users", "NormalizedEmail", unique: true);
        migrationBuilder.CreateIndex("UserNameIndex", "Users", "NormalizedUserName", unique: true);
        migrationBuilder.CreateIndex("IX_UserSessions_UserId", "UserSessions", "UserId");
        migrationBuilder.CreateIndex("IX_Users_RoleId", "Users", "RoleId");
        migrationBuilder.CreateIndex("IX_Roles_Name", "Roles", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_Roles_ParentId", "Roles", "ParentId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("UserClaims");
        migrationBuilder.DropTable("UserLogins");
        migrationBuilder.DropTable("UserSessions");
        migrationBuilder.DropTable("UserTokens");
        migrationBuilder.DropTable("Users");
        migrationBuilder.DropTable("Roles");
        migrationBuilder.DropTable("DataProtectionKeys");
    }
}
