using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Trigram indexes (PostgreSQL's pg_trgm) on every expression the text search reads, so that
/// <c>lower(x) LIKE '%term%'</c> finds its rows without reading the table. Each expression is
/// written exactly as EF translates the entity's <c>Matching</c> expression: an index on anything
/// else would not be used (TextSearchIndexTests checks the plans). These are expression indexes,
/// which the EF model cannot describe, so the schema-parity comparison leaves trigram indexes out.
/// SQLite has no equivalent outside FTS5 and keeps scanning (see docs/adr/0008-text-search.md).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122162000_TextSearchIndexes")]
public sealed class TextSearchIndexes : Migration
{
    /// <summary>(index name, table, expression) as of this migration.</summary>
    private static readonly (string Name, string Table, string Expression)[] s_indexes =
    [
        ("IX_Companies_Search_Name", "Companies", """lower("Name")"""),
        ("IX_Contacts_Search_Name", "Contacts", """lower("FirstName" || ' ' || "LastName")"""),
        ("IX_Contacts_Search_Email", "Contacts", """lower("Email")"""),
        ("IX_Deals_Search_Title", "Deals", """lower("Title")"""),
        ("IX_Leads_Search_Name", "Leads", """lower("FirstName" || ' ' || "LastName")"""),
        ("IX_Leads_Search_Email", "Leads", """lower("Email")"""),
        ("IX_Leads_Search_CompanyName", "Leads", """lower("CompanyName")"""),
        ("IX_LoggedEmails_Search_Subject", "LoggedEmails", """lower("Subject")"""),
        ("IX_LoggedEmails_Search_From", "LoggedEmails", """lower("From")"""),
        ("IX_LoggedEmails_Search_To", "LoggedEmails", """lower("To")"""),
        ("IX_Memos_Search_Title", "Memos", """lower("Title")"""),
        ("IX_Products_Search_Name", "Products", """lower("Name")"""),
        ("IX_Products_Search_CodeKey", "Products", "\"CodeKey\""),
        ("IX_Tasks_Search_Title", "Tasks", """lower("Title")"""),
        ("IX_FileObjects_Search_Name", "FileObjects", """lower("Name")"""),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            return;
        }

        // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it, no superuser needed.
        migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
        foreach (var (name, table, expression) in s_indexes)
        {
            migrationBuilder.Sql($"""CREATE INDEX "{name}" ON "{table}" USING gin (({expression}) gin_trgm_ops);""");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            return;
        }

        foreach (var (name, _, _) in s_indexes)
        {
            migrationBuilder.Sql($"""DROP INDEX "{name}";""");
        }
    }
}
