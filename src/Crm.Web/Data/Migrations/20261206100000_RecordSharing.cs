using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Record sharing (ADR 0027): a share may name a role (optionally with the roles below it) and end
/// at a given instant; sharing rules open the records owned by members of a group, department or
/// role to another one. SQLite cannot add a foreign key to an existing table, so RecordShares is
/// built again (nothing created shares before this version; any row there is carried over).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261206100000_RecordSharing")]
public sealed class RecordSharing : Migration
{
    private static readonly string[] s_keptColumns = ["Module", "RecordId", "UserId", "GroupId", "DepartmentId", "Access", "CreatedAt"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var kept = string.Join(", ", s_keptColumns.Select(c => $"\"{c}\""));
        migrationBuilder.Sql("""CREATE TABLE "RecordShares_before" AS SELECT * FROM "RecordShares";""");
        migrationBuilder.DropTable("RecordShares");
        CreateRecordShares(migrationBuilder, withRoles: true);
        migrationBuilder.Sql($"""INSERT INTO "RecordShares" ({kept}, "WithSubordinates") SELECT {kept}, FALSE FROM "RecordShares_before";""");
        migrationBuilder.DropTable("RecordShares_before");

        migrationBuilder.CreateTable(
            name: "SharingRules",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                FromGroupId = table.Column<int>(nullable: true),
                FromDepartmentId = table.Column<int>(nullable: true),
                FromRoleId = table.Column<int>(nullable: true),
                FromSubordinates = table.Column<bool>(nullable: false),
                ToGroupId = table.Column<int>(nullable: true),
                ToDepartmentId = table.Column<int>(nullable: true),
                ToRoleId = table.Column<int>(nullable: true),
                ToSubordinates = table.Column<bool>(nullable: false),
                Access = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SharingRules", x => x.Id);
                table.ForeignKey("FK_SharingRules_Groups_FromGroupId", x => x.FromGroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_SharingRules_Departments_FromDepartmentId", x => x.FromDepartmentId, "Departments", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_SharingRules_Roles_FromRoleId", x => x.FromRoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_SharingRules_Groups_ToGroupId", x => x.ToGroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_SharingRules_Departments_ToDepartmentId", x => x.ToDepartmentId, "Departments", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_SharingRules_Roles_ToRoleId", x => x.ToRoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_SharingRules_Module", "SharingRules", "Module");
        foreach (var column in new[] { "FromGroupId", "FromDepartmentId", "FromRoleId", "ToGroupId", "ToDepartmentId", "ToRoleId" })
        {
            migrationBuilder.CreateIndex($"IX_SharingRules_{column}", "SharingRules", column);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("SharingRules");
        var kept = string.Join(", ", s_keptColumns.Select(c => $"\"{c}\""));
        migrationBuilder.Sql($"""CREATE TABLE "RecordShares_before" AS SELECT {kept} FROM "RecordShares" WHERE "RoleId" IS NULL;""");
        migrationBuilder.DropTable("RecordShares");
        CreateRecordShares(migrationBuilder, withRoles: false);
        migrationBuilder.Sql($"""INSERT INTO "RecordShares" ({kept}) SELECT {kept} FROM "RecordShares_before";""");
        migrationBuilder.DropTable("RecordShares_before");
    }

    private static void CreateRecordShares(MigrationBuilder migrationBuilder, bool withRoles)
    {
        if (withRoles)
        {
            migrationBuilder.CreateTable(
                name: "RecordShares",
                columns: table => new
                {
                    Id = table.Column<long>(nullable: false).Identity(),
                    Module = table.Column<string>(maxLength: 50, nullable: false),
                    RecordId = table.Column<int>(nullable: false),
                    UserId = table.Column<Guid>(nullable: true),
                    GroupId = table.Column<int>(nullable: true),
                    DepartmentId = table.Column<int>(nullable: true),
                    RoleId = table.Column<int>(nullable: true),
                    WithSubordinates = table.Column<bool>(nullable: false),
                    Access = table.Column<int>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    EndsAt = table.Column<DateTime>(nullable: true),
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordShares", x => x.Id);
                    table.ForeignKey("FK_RecordShares_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.Cascade);
                    table.ForeignKey("FK_RecordShares_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                    table.ForeignKey("FK_RecordShares_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                    table.ForeignKey("FK_RecordShares_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
                });
            migrationBuilder.CreateIndex("IX_RecordShares_RoleId", "RecordShares", "RoleId");
        }
        else
        {
            migrationBuilder.CreateTable(
                name: "RecordShares",
                columns: table => new
                {
                    Id = table.Column<long>(nullable: false).Identity(),
                    Module = table.Column<string>(maxLength: 50, nullable: false),
                    RecordId = table.Column<int>(nullable: false),
                    UserId = table.Column<Guid>(nullable: true),
                    GroupId = table.Column<int>(nullable: true),
                    DepartmentId = table.Column<int>(nullable: true),
                    Access = table.Column<int>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecordShares", x => x.Id);
                    table.ForeignKey("FK_RecordShares_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.Cascade);
                    table.ForeignKey("FK_RecordShares_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                    table.ForeignKey("FK_RecordShares_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                });
        }

        migrationBuilder.CreateIndex("IX_RecordShares_Module_RecordId", "RecordShares", ["Module", "RecordId"]);
        migrationBuilder.CreateIndex("IX_RecordShares_UserId", "RecordShares", "UserId");
        migrationBuilder.CreateIndex("IX_RecordShares_GroupId", "RecordShares", "GroupId");
        migrationBuilder.CreateIndex("IX_RecordShares_DepartmentId", "RecordShares", "DepartmentId");
    }
}
