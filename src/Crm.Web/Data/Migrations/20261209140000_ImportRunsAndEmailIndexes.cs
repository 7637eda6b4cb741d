using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Import (ADR 0038): the runs, their files (kept apart so listing never reads them), each row's
/// outcome (what undo reverts), and the last mapping per module. Indexes on the email of contacts,
/// leads and companies, which an update import matches records on (and a GDPR search looks up).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261209140000_ImportRunsAndEmailIndexes")]
public sealed class ImportRunsAndEmailIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ImportRuns",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                FileName = table.Column<string>(maxLength: 255, nullable: false),
                FileKind = table.Column<string>(maxLength: 10, nullable: false),
                Headers = table.Column<string>(maxLength: 100000, nullable: false),
                Mapping = table.Column<string>(maxLength: 100000, nullable: false),
                Mode = table.Column<string>(maxLength: 20, nullable: false),
                MatchKey = table.Column<string>(maxLength: 50, nullable: true),
                IgnoreUnmapped = table.Column<bool>(nullable: false),
                RowLimit = table.Column<int>(nullable: true),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                Message = table.Column<string>(maxLength: 2000, nullable: true),
                RowCount = table.Column<int>(nullable: false),
                Created = table.Column<int>(nullable: false),
                Updated = table.Column<int>(nullable: false),
                Unchanged = table.Column<int>(nullable: false),
                Failed = table.Column<int>(nullable: false),
                CreatedById = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CheckedAt = table.Column<DateTime>(nullable: true),
                ImportedAt = table.Column<DateTime>(nullable: true),
                UndoneAt = table.Column<DateTime>(nullable: true),
                UndoneById = table.Column<Guid>(nullable: true),
                LeaseUntil = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ImportRuns", x => x.Id));
        migrationBuilder.CreateIndex("IX_ImportRuns_Module_Status", "ImportRuns", ["Module", "Status"]);
        migrationBuilder.CreateIndex("IX_ImportRuns_CreatedAt", "ImportRuns", "CreatedAt");

        migrationBuilder.CreateTable(
            name: "ImportFiles",
            columns: table => new
            {
                RunId = table.Column<int>(nullable: false),
                Content = table.Column<byte[]>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ImportFiles", x => x.RunId);
                table.ForeignKey("FK_ImportFiles_ImportRuns_RunId", x => x.RunId, "ImportRuns", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ImportRows",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                RunId = table.Column<int>(nullable: false),
                Row = table.Column<int>(nullable: false),
                Outcome = table.Column<string>(maxLength: 20, nullable: false),
                RecordId = table.Column<int>(nullable: true),
                VersionAfter = table.Column<int>(nullable: true),
                Changes = table.Column<string>(maxLength: 100000, nullable: true),
                Errors = table.Column<string>(maxLength: 100000, nullable: true),
                UndoNote = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ImportRows", x => x.Id);
                table.ForeignKey("FK_ImportRows_ImportRuns_RunId", x => x.RunId, "ImportRuns", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_ImportRows_RunId_Row", "ImportRows", ["RunId", "Row"]);

        migrationBuilder.CreateTable(
            name: "ImportMappings",
            columns: table => new
            {
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Mapping = table.Column<string>(maxLength: 100000, nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ImportMappings", x => x.Module));

        migrationBuilder.CreateIndex("IX_Contacts_Email", "Contacts", "Email");
        migrationBuilder.CreateIndex("IX_Leads_Email", "Leads", "Email");
        migrationBuilder.CreateIndex("IX_Companies_Email", "Companies", "Email");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_Companies_Email", "Companies");
        migrationBuilder.DropIndex("IX_Leads_Email", "Leads");
        migrationBuilder.DropIndex("IX_Contacts_Email", "Contacts");
        migrationBuilder.DropTable("ImportMappings");
        migrationBuilder.DropTable("ImportRows");
        migrationBuilder.DropTable("ImportFiles");
        migrationBuilder.DropTable("ImportRuns");
    }
}
