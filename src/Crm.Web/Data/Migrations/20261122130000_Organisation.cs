using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// People and organisation: departments (a tree), role grants and field rules, groups,
/// memberships, individual overrides, organisation-wide defaults, record shares, API tokens,
/// the activity log and the email outbox.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122130000_Organisation")]
public sealed class Organisation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Departments",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                ParentId = table.Column<int>(nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Departments", x => x.Id);
                table.ForeignKey("FK_Departments_Departments_ParentId", x => x.ParentId, "Departments", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "RoleGrants",
            columns: table => new
            {
                RoleId = table.Column<int>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Action = table.Column<string>(maxLength: 50, nullable: false),
                Scope = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RoleGrants", x => new { x.RoleId, x.Module, x.Action });
                table.ForeignKey("FK_RoleGrants_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "RoleFieldRules",
            columns: table => new
            {
                RoleId = table.Column<int>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Field = table.Column<string>(maxLength: 100, nullable: false),
                Access = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RoleFieldRules", x => new { x.RoleId, x.Module, x.Field });
                table.ForeignKey("FK_RoleFieldRules_Roles_RoleId", x => x.RoleId, "Roles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Groups",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Description = table.Column<string>(maxLength: 500, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Groups", x => x.Id));

        migrationBuilder.CreateTable(
            name: "GroupGrants",
            columns: table => new
            {
                GroupId = table.Column<int>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Action = table.Column<string>(maxLength: 50, nullable: false),
                Scope = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupGrants", x => new { x.GroupId, x.Module, x.Action });
                table.ForeignKey("FK_GroupGrants_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "GroupMembers",
            columns: table => new
            {
                GroupId = table.Column<int>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupMembers", x => new { x.GroupId, x.UserId });
                table.ForeignKey("FK_GroupMembers_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_GroupMembers_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "UserDepartments",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<int>(nullable: false),
                IsPrimary = table.Column<bool>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserDepartments", x => new { x.UserId, x.DepartmentId });
                table.ForeignKey("FK_UserDepartments_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_UserDepartments_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "PermissionOverrides",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Action = table.Column<string>(maxLength: 50, nullable: false),
                Scope = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PermissionOverrides", x => new { x.UserId, x.Module, x.Action });
                table.ForeignKey("FK_PermissionOverrides_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ModuleDefaults",
            columns: table => new
            {
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Access = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ModuleDefaults", x => x.Module));

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

        migrationBuilder.CreateTable(
            name: "ApiTokens",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Prefix = table.Column<string>(maxLength: 16, nullable: false),
                SecretHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedByUserId = table.Column<Guid>(nullable: true),
                ExpiresAt = table.Column<DateTime>(nullable: true),
                RevokedAt = table.Column<DateTime>(nullable: true),
                LastUsedAt = table.Column<DateTime>(nullable: true),
                UseCount = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiTokens", x => x.Id);
                table.ForeignKey("FK_ApiTokens_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ActivityLog",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                At = table.Column<DateTime>(nullable: false),
                Kind = table.Column<string>(maxLength: 50, nullable: false),
                ActorUserId = table.Column<Guid>(nullable: true),
                ActorName = table.Column<string>(maxLength: 200, nullable: false),
                SubjectUserId = table.Column<Guid>(nullable: true),
                Summary = table.Column<string>(maxLength: 1000, nullable: false),
                IpAddress = table.Column<string>(maxLength: 64, nullable: true),
                UserAgent = table.Column<string>(maxLength: 512, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ActivityLog", x => x.Id));

        migrationBuilder.CreateTable(
            name: "OutgoingEmails",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                To = table.Column<string>(maxLength: 256, nullable: false),
                Subject = table.Column<string>(maxLength: 300, nullable: false),
                ProtectedBody = table.Column<string>(nullable: false),
                Purpose = table.Column<string>(maxLength: 50, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: true),
                SentAt = table.Column<DateTime>(nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_OutgoingEmails", x => x.Id));

        migrationBuilder.AddColumn<Guid>(name: "PreviewUserId", table: "UserSessions", nullable: true);

        migrationBuilder.CreateIndex("IX_Departments_Name", "Departments", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_Departments_ParentId", "Departments", "ParentId");
        migrationBuilder.CreateIndex("IX_Groups_Name", "Groups", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_GroupMembers_UserId", "GroupMembers", "UserId");
        migrationBuilder.CreateIndex("IX_UserDepartments_DepartmentId", "UserDepartments", "DepartmentId");
        migrationBuilder.CreateIndex("IX_RecordShares_Module_RecordId", "RecordShares", ["Module", "RecordId"]);
        migrationBuilder.CreateIndex("IX_RecordShares_UserId", "RecordShares", "UserId");
        migrationBuilder.CreateIndex("IX_RecordShares_GroupId", "RecordShares", "GroupId");
        migrationBuilder.CreateIndex("IX_RecordShares_DepartmentId", "RecordShares", "DepartmentId");
        migrationBuilder.CreateIndex("IX_ApiTokens_Prefix", "ApiTokens", "Prefix", unique: true);
        migrationBuilder.CreateIndex("IX_ApiTokens_UserId", "ApiTokens", "UserId");
        migrationBuilder.CreateIndex("IX_ActivityLog_At", "ActivityLog", "At");
        migrationBuilder.CreateIndex("IX_ActivityLog_Kind_At", "ActivityLog", ["Kind", "At"]);
        migrationBuilder.CreateIndex("IX_ActivityLog_ActorUserId_At", "ActivityLog", ["ActorUserId", "At"]);
        migrationBuilder.CreateIndex("IX_OutgoingEmails_Status_NextAttemptAt", "OutgoingEmails", ["Status", "NextAttemptAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("PreviewUserId", "UserSessions");
        foreach (var table in new[]
        {
            "OutgoingEmails", "ActivityLog", "ApiTokens", "RecordShares", "ModuleDefaults", "PermissionOverrides",
            "UserDepartments", "GroupMembers", "GroupGrants", "Groups", "RoleFieldRules", "RoleGrants", "Departments",
        })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
