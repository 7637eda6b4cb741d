using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Webhook field-value filters (issue 24, ADR 0044): an endpoint's conditions as JSON; existing endpoints send every event, as before.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261211100000_WebhookFilters")]
public sealed class WebhookEndpointFilters : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("Filter", "WebhookEndpoints", maxLength: 20000, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // EF's SQLite provider refuses DropColumn in a hand-written migration; SQLite drops a plain column itself.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.DropColumn("Filter", "WebhookEndpoints");
        }
        else
        {
            migrationBuilder.Sql("""ALTER TABLE "WebhookEndpoints" DROP COLUMN "Filter";""");
        }
    }
}
