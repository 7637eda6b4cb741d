using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>Email delivery: the lease that keeps two instances from sending one message twice.</summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122142000_EmailDelivery")]
public sealed class EmailDeliveryLeases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(name: "LeaseOwner", table: "OutgoingEmails", nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "LeasedUntil", table: "OutgoingEmails", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("LeasedUntil", "OutgoingEmails");
        migrationBuilder.DropColumn("LeaseOwner", "OutgoingEmails");
    }
}
