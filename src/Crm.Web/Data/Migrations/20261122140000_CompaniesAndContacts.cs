using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>The first CRM objects: companies and their contacts, each with owner, department, stamps and a version.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122140000_CompaniesAndContacts")]
public sealed class CompaniesAndContacts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Companies",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                Website = table.Column<string>(maxLength: 300, nullable: true),
                Phone = table.Column<string>(maxLength: 50, nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                City = table.Column<string>(maxLength: 100, nullable: true),
                Address = table.Column<string>(maxLength: 500, nullable: true),
                CountryName = table.Column<string>(maxLength: 100, nullable: true),
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
                table.PrimaryKey("PK_Companies", x => x.Id);
                table.ForeignKey("FK_Companies_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Companies_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "Contacts",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                FirstName = table.Column<string>(maxLength: 100, nullable: false),
                LastName = table.Column<string>(maxLength: 100, nullable: false),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                Phone = table.Column<string>(maxLength: 50, nullable: true),
                Title = table.Column<string>(maxLength: 100, nullable: true),
                CompanyId = table.Column<int>(nullable: true),
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
                table.PrimaryKey("PK_Contacts", x => x.Id);
                table.ForeignKey("FK_Contacts_Companies_CompanyId", x => x.CompanyId, "Companies", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Contacts_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Contacts_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateIndex("IX_Companies_OwnerId", "Companies", "OwnerId");
        migrationBuilder.CreateIndex("IX_Companies_DepartmentId", "Companies", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Companies_Name_Id", "Companies", ["Name", "Id"]);
        migrationBuilder.CreateIndex("IX_Contacts_OwnerId", "Contacts", "OwnerId");
        migrationBuilder.CreateIndex("IX_Contacts_DepartmentId", "Contacts", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Contacts_CompanyId", "Contacts", "CompanyId");
        migrationBuilder.CreateIndex("IX_Contacts_LastName_FirstName_Id", "Contacts", ["LastName", "FirstName", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("Contacts");
        migrationBuilder.DropTable("Companies");
    }
}
