using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Deals (money as integer minor units + currency), leads with the links their conversion keeps,
/// products with a case-insensitively unique code, and logged emails about any record.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122150000_LeadsDealsProducts")]
public sealed class LeadsDealsProducts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Deals",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                CompanyId = table.Column<int>(nullable: true),
                ContactId = table.Column<int>(nullable: true),
                Stage = table.Column<string>(maxLength: 20, nullable: false),
                Amount = table.Column<long>(nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                Probability = table.Column<int>(nullable: false),
                ExpectedClose = table.Column<DateOnly>(nullable: true),
                ClosingReason = table.Column<string>(maxLength: 500, nullable: true),
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
                table.PrimaryKey("PK_Deals", x => x.Id);
                table.ForeignKey("FK_Deals_Companies_CompanyId", x => x.CompanyId, "Companies", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Deals_Contacts_ContactId", x => x.ContactId, "Contacts", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Deals_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Deals_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "Leads",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                FirstName = table.Column<string>(maxLength: 100, nullable: false),
                LastName = table.Column<string>(maxLength: 100, nullable: false),
                CompanyName = table.Column<string>(maxLength: 200, nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                Phone = table.Column<string>(maxLength: 50, nullable: true),
                Source = table.Column<string>(maxLength: 20, nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                Notes = table.Column<string>(maxLength: 4000, nullable: true),
                ConvertedAt = table.Column<DateTime>(nullable: true),
                ConvertedContactId = table.Column<int>(nullable: true),
                ConvertedCompanyId = table.Column<int>(nullable: true),
                ConvertedDealId = table.Column<int>(nullable: true),
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
                table.PrimaryKey("PK_Leads", x => x.Id);
                table.ForeignKey("FK_Leads_Contacts_ConvertedContactId", x => x.ConvertedContactId, "Contacts", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Leads_Companies_ConvertedCompanyId", x => x.ConvertedCompanyId, "Companies", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Leads_Deals_ConvertedDealId", x => x.ConvertedDealId, "Deals", "Id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("FK_Leads_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Leads_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "Products",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Code = table.Column<string>(maxLength: 50, nullable: false),
                CodeKey = table.Column<string>(maxLength: 50, nullable: false),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                Price = table.Column<long>(nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                Category = table.Column<string>(maxLength: 100, nullable: true),
                IsActive = table.Column<bool>(nullable: false),
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
                table.PrimaryKey("PK_Products", x => x.Id);
                table.ForeignKey("FK_Products_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Products_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "LoggedEmails",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Direction = table.Column<string>(maxLength: 10, nullable: false),
                From = table.Column<string>(maxLength: 256, nullable: false),
                To = table.Column<string>(maxLength: 1000, nullable: false),
                Subject = table.Column<string>(maxLength: 300, nullable: false),
                Body = table.Column<string>(maxLength: 20000, nullable: false),
                SentAt = table.Column<DateTime>(nullable: false),
                RelatedModule = table.Column<string>(maxLength: 20, nullable: true),
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
                table.PrimaryKey("PK_LoggedEmails", x => x.Id);
                table.ForeignKey("FK_LoggedEmails_Users_OwnerId", x => x.OwnerId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_LoggedEmails_Departments_DepartmentId", x => x.DepartmentId, "Departments", "Id", onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateIndex("IX_Deals_OwnerId", "Deals", "OwnerId");
        migrationBuilder.CreateIndex("IX_Deals_DepartmentId", "Deals", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Deals_CompanyId", "Deals", "CompanyId");
        migrationBuilder.CreateIndex("IX_Deals_ContactId", "Deals", "ContactId");
        migrationBuilder.CreateIndex("IX_Deals_Title_Id", "Deals", ["Title", "Id"]);
        migrationBuilder.CreateIndex("IX_Deals_Amount_Id", "Deals", ["Amount", "Id"]);
        migrationBuilder.CreateIndex("IX_Leads_OwnerId", "Leads", "OwnerId");
        migrationBuilder.CreateIndex("IX_Leads_DepartmentId", "Leads", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Leads_ConvertedContactId", "Leads", "ConvertedContactId");
        migrationBuilder.CreateIndex("IX_Leads_ConvertedCompanyId", "Leads", "ConvertedCompanyId");
        migrationBuilder.CreateIndex("IX_Leads_ConvertedDealId", "Leads", "ConvertedDealId");
        migrationBuilder.CreateIndex("IX_Leads_LastName_FirstName_Id", "Leads", ["LastName", "FirstName", "Id"]);
        migrationBuilder.CreateIndex("IX_Products_OwnerId", "Products", "OwnerId");
        migrationBuilder.CreateIndex("IX_Products_DepartmentId", "Products", "DepartmentId");
        migrationBuilder.CreateIndex("IX_Products_CodeKey", "Products", "CodeKey", unique: true);
        migrationBuilder.CreateIndex("IX_Products_Name_Id", "Products", ["Name", "Id"]);
        migrationBuilder.CreateIndex("IX_LoggedEmails_OwnerId", "LoggedEmails", "OwnerId");
        migrationBuilder.CreateIndex("IX_LoggedEmails_DepartmentId", "LoggedEmails", "DepartmentId");
        migrationBuilder.CreateIndex("IX_LoggedEmails_RelatedModule_RelatedId", "LoggedEmails", ["RelatedModule", "RelatedId"]);
        migrationBuilder.CreateIndex("IX_LoggedEmails_SentAt_Id", "LoggedEmails", ["SentAt", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("LoggedEmails");
        migrationBuilder.DropTable("Products");
        migrationBuilder.DropTable("Leads");
        migrationBuilder.DropTable("Deals");
    }
}
