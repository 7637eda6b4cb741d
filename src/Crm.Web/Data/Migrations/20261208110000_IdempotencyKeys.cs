using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The API's remembered Idempotency-Keys (ADR 0033): per caller and key, what the request asked
/// and, once it created something, its encrypted answer; kept 24 hours.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261208110000_IdempotencyKeys")]
public sealed class IdempotencyKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "IdempotentRequests",
            columns: table => new
            {
                Caller = table.Column<string>(maxLength: 60, nullable: false),
                Key = table.Column<string>(maxLength: 255, nullable: false),
                Fingerprint = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                CompletedAt = table.Column<DateTime>(nullable: true),
                Status = table.Column<int>(nullable: true),
                ContentType = table.Column<string>(maxLength: 200, nullable: true),
                Location = table.Column<string>(maxLength: 2000, nullable: true),
                ProtectedBody = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_IdempotentRequests", x => new { x.Caller, x.Key }));
        migrationBuilder.CreateIndex("IX_IdempotentRequests_CreatedAt", "IdempotentRequests", "CreatedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("IdempotentRequests");
}
