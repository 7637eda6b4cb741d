using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Countries (ISO 3166-1 with alternative names; the rows are seeded from the shipped list at
/// start-up, not here), the country values that matched none, and in-app notifications.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122141000_Countries")]
public sealed class Countries : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Countries",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Alpha2 = table.Column<string>(maxLength: 2, nullable: false),
                Alpha3 = table.Column<string>(maxLength: 3, nullable: false),
                Numeric = table.Column<string>(maxLength: 3, nullable: false),
                AlternativeNames = table.Column<string>(maxLength: 2000, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Countries", x => x.Id));

        migrationBuilder.CreateTable(
            name: "CountryMismatches",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                RawValue = table.Column<string>(maxLength: 200, nullable: false),
                NormalizedValue = table.Column<string>(maxLength: 200, nullable: false),
                Source = table.Column<string>(maxLength: 20, nullable: false),
                FirstSeenAt = table.Column<DateTime>(nullable: false),
                LastSeenAt = table.Column<DateTime>(nullable: false),
                Occurrences = table.Column<int>(nullable: false),
                ResolvedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_CountryMismatches", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Notifications",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                UserId = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Body = table.Column<string>(maxLength: 2000, nullable: false),
                Link = table.Column<string>(maxLength: 500, nullable: true),
                ReadAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Notifications", x => x.Id);
                table.ForeignKey("FK_Notifications_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("IX_Countries_Name", "Countries", "Name", unique: true);
        migrationBuilder.CreateIndex("IX_Countries_Alpha2", "Countries", "Alpha2", unique: true);
        migrationBuilder.CreateIndex("IX_Countries_Alpha3", "Countries", "Alpha3", unique: true);
        migrationBuilder.CreateIndex("IX_CountryMismatches_NormalizedValue", "CountryMismatches", "NormalizedValue", unique: true);
        migrationBuilder.CreateIndex("IX_Notifications_UserId_CreatedAt", "Notifications", ["UserId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("Notifications");
        migrationBuilder.DropTable("CountryMismatches");
        migrationBuilder.DropTable("Countries");
    }
}
