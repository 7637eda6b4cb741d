using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Tasks (with responsible users), office memos, and files: stored content plus the file objects that reference it.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122151000_TasksMemosFiles")]
public sealed class TasksMemosFiles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Tasks",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Description = table.Column<string>(maxLength: 4000, nullable: true),
                DueDate = table.Column<DateOnly>(nullable: true),
                Priority = table.Column<string>(maxLength: 20, nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                ParentId = table.Column<int>(nullable: true),
                RelatedModule = table.Column<string>(maxLength: 30, nullable: true),
                RelatedId = table.Column<int>(nullable: true),
                OwnerId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<int>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
                ModifiedById = table.Column<Guid>(nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Tasks", x => x.Id);
                table.ForeignKey("FK_Tasks_Tasks_ParentId", x => x.ParentId, "Tasks", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Tasks_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Tasks_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "TaskResponsibles",
            columns: table => new
            {
                TaskId = table.Column<int>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TaskResponsibles", x => new { x.TaskId, x.UserId });
                table.ForeignKey("FK_TaskResponsibles_Tasks_TaskId", x => x.TaskId, "Tasks", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_TaskResponsibles_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Memos",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Body = table.Column<string>(maxLength: 10000, nullable: false),
                AuthorId = table.Column<Guid>(nullable: false),
                RecipientId = table.Column<Guid>(nullable: false),
                Stage = table.Column<string>(maxLength: 20, nullable: false),
                IsDraft = table.Column<bool>(nullable: false),
                ReviewComment = table.Column<string>(maxLength: 2000, nullable: true),
                ReviewedAt = table.Column<DateTime>(nullable: true),
                ReviewedById = table.Column<Guid>(nullable: true),
                RelatedModule = table.Column<string>(maxLength: 30, nullable: true),
                RelatedId = table.Column<int>(nullable: true),
                OwnerId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<int>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
                ModifiedById = table.Column<Guid>(nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Memos", x => x.Id);
                table.ForeignKey("FK_Memos_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Memos_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "StoredFiles",
            columns: table => new
            {
                Sha256 = table.Column<string>(maxLength: 64, nullable: false),
                Size = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_StoredFiles", x => x.Sha256));

        migrationBuilder.CreateTable(
            name: "FileObjects",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                ContentType = table.Column<string>(maxLength: 100, nullable: false),
                Size = table.Column<long>(nullable: false),
                Sha256 = table.Column<string>(maxLength: 64, nullable: false),
                RelatedModule = table.Column<string>(maxLength: 30, nullable: false),
                RelatedId = table.Column<int>(nullable: false),
                OwnerId = table.Column<Guid>(nullable: false),
                DepartmentId = table.Column<int>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: true),
                ModifiedAt = table.Column<DateTime>(nullable: false),
                ModifiedById = table.Column<Guid>(nullable: true),
                Version = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FileObjects", x => x.Id);
                table.ForeignKey("FK_FileObjects_StoredFiles_Sha256", x => x.Sha256, "StoredFiles", "Sha256", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_FileObjects_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_FileObjects_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateIndex("IX_Tasks_OwnerId", "Tasks", "OwnerId");
        migrationBuilder.CreateIndex("IX_Tasks_DepartmentId", "Tasks", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Tasks_ParentId", "Tasks", "ParentId");
        migrationBuilder.CreateIndex("IX_Tasks_RelatedModule_RelatedId", "Tasks", ["RelatedModule", "RelatedId"]);
        migrationBuilder.CreateIndex("IX_Tasks_Title_Id", "Tasks", ["Title", "Id"]);
        migrationBuilder.CreateIndex("IX_TaskResponsibles_UserId", "TaskResponsibles", "UserId");
        migrationBuilder.CreateIndex("IX_Memos_OwnerId", "Memos", "OwnerId");
        migrationBuilder.CreateIndex("IX_Memos_DepartmentId", "Memos", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Memos_AuthorId", "Memos", "AuthorId");
        migrationBuilder.CreateIndex("IX_Memos_RecipientId", "Memos", "RecipientId");
        migrationBuilder.CreateIndex("IX_Memos_RelatedModule_RelatedId", "Memos", ["RelatedModule", "RelatedId"]);
        migrationBuilder.CreateIndex("IX_Memos_Title_Id", "Memos", ["Title", "Id"]);
        migrationBuilder.CreateIndex("IX_FileObjects_OwnerId", "FileObjects", "OwnerId");
        migrationBuilder.CreateIndex("IX_FileObjects_DepartmentId", "FileObjects", "DepartmentId");
        migrationBuilder.CreateIndex("IX_FileObjects_Sha256", "FileObjects", "Sha256");
        migrationBuilder.CreateIndex("IX_FileObjects_RelatedModule_RelatedId", "FileObjects", ["RelatedModule", "RelatedId"]);
        migrationBuilder.CreateIndex("IX_FileObjects_Name_Id", "FileObjects", ["Name", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("FileObjects");
        migrationBuilder.DropTable("StoredFiles");
        migrationBuilder.DropTable("Memos");
        migrationBuilder.DropTable("TaskResponsibles");
        migrationBuilder.DropTable("Tasks");
    }
}
