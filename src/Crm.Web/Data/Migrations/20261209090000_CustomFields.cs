using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Custom fields (ADR 0034): the definitions per module, and one typed table of the values records
/// hold, indexed per field on the text, number and instant so lists filter on an index.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261209090000_CustomFields")]
public sealed class CustomFields : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "CustomFields",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                Key = table.Column<string>(maxLength: 50, nullable: false),
                Label = table.Column<string>(maxLength: 100, nullable: false),
                Type = table.Column<string>(maxLength: 20, nullable: false),
                Choices = table.Column<string>(maxLength: 40000, nullable: true),
                Required = table.Column<bool>(nullable: false),
                RequiredApplied = table.Column<string>(maxLength: 20, nullable: true),
                DefaultValue = table.Column<string>(maxLength: 10000, nullable: true),
                HelpText = table.Column<string>(maxLength: 500, nullable: true),
                AdminOnly = table.Column<bool>(nullable: false),
                ShowOnPdf = table.Column<bool>(nullable: false),
                ShowOnPortal = table.Column<bool>(nullable: false),
                PersonalData = table.Column<bool>(nullable: false),
                Width = table.Column<string>(maxLength: 10, nullable: false),
                Position = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ModifiedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_CustomFields", x => x.Id));
        migrationBuilder.CreateIndex("IX_CustomFields_Module_Key", "CustomFields", ["Module", "Key"], unique: true);

        migrationBuilder.CreateTable(
            name: "CustomFieldValues",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Module = table.Column<string>(maxLength: 50, nullable: false),
                RecordId = table.Column<int>(nullable: false),
                FieldId = table.Column<int>(nullable: false),
                TextValue = table.Column<string>(maxLength: 500, nullable: true),
                LongTextValue = table.Column<string>(maxLength: 10000, nullable: true),
                NumberValue = table.Column<double>(nullable: true),
                DateValue = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CustomFieldValues", x => x.Id);
                table.ForeignKey("FK_CustomFieldValues_CustomFields_FieldId", x => x.FieldId, "CustomFields", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_CustomFieldValues_Module_RecordId", "CustomFieldValues", ["Module", "RecordId"]);
        migrationBuilder.CreateIndex("IX_CustomFieldValues_FieldId_RecordId", "CustomFieldValues", ["FieldId", "RecordId"], unique: true);
        migrationBuilder.CreateIndex("IX_CustomFieldValues_FieldId_TextValue_RecordId", "CustomFieldValues", ["FieldId", "TextValue", "RecordId"]);
        migrationBuilder.CreateIndex("IX_CustomFieldValues_FieldId_NumberValue_RecordId", "CustomFieldValues", ["FieldId", "NumberValue", "RecordId"]);
        migrationBuilder.CreateIndex("IX_CustomFieldValues_FieldId_DateValue_RecordId", "CustomFieldValues", ["FieldId", "DateValue", "RecordId"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("CustomFieldValues");
        migrationBuilder.DropTable("CustomFields");
    }
}
