using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The unique index of places in the chain (<c>Seq</c>) leaves out the entries not sealed yet.
/// Every entry is written without a place, so the full index took one index insert per audited
/// write for a NULL that no query reads; the seal adds the real one. Uniqueness is unchanged
/// (NULLs never collided), and every query on places compares them, which implies NOT NULL, so
/// both providers still use the index.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261123090000_AuditPlacesIndexPartial")]
public sealed class AuditPlacesIndexPartial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_AuditEntries_Seq", "AuditEntries");
        migrationBuilder.CreateIndex("IX_AuditEntries_Seq", "AuditEntries", "Seq", unique: true, filter: "\"Seq\" IS NOT NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_AuditEntries_Seq", "AuditEntries");
        migrationBuilder.CreateIndex("IX_AuditEntries_Seq", "AuditEntries", "Seq", unique: true);
    }
}
