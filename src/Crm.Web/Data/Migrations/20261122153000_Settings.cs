using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The organisation's settings (one row: SMTP with its encrypted password, company data and
/// branding images, localisation), the scheduler's one row per recurring job with its lease, and
/// the HTML alternative of outgoing emails.
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122153000_Settings")]
public sealed class Settings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "InstanceSettings",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                SmtpHost = table.Column<string>(maxLength: 255, nullable: true),
                SmtpPort = table.Column<int>(nullable: true),
                SmtpSecurity = table.Column<int>(nullable: true),
                SmtpFrom = table.Column<string>(maxLength: 256, nullable: true),
                SmtpUserName = table.Column<string>(maxLength: 256, nullable: true),
                SmtpProtectedPassword = table.Column<string>(maxLength: 4000, nullable: true),
                SmtpChangedAt = table.Column<DateTime>(nullable: true),
                CompanyName = table.Column<string>(maxLength: 200, nullable: true),
                CompanyAddress = table.Column<string>(maxLength: 1000, nullable: true),
                DocumentLogoWidth = table.Column<int>(nullable: true),
                LogoLight = table.Column<byte[]>(nullable: true),
                LogoDark = table.Column<byte[]>(nullable: true),
                Favicon = table.Column<byte[]>(nullable: true),
                BrandingVersion = table.Column<int>(nullable: false),
                DefaultLanguage = table.Column<string>(maxLength: 10, nullable: true),
                TimeZone = table.Column<string>(maxLength: 64, nullable: true),
                DateFormat = table.Column<string>(maxLength: 20, nullable: true),
                ThousandsSeparator = table.Column<string>(maxLength: 1, nullable: true),
                DecimalSeparator = table.Column<string>(maxLength: 1, nullable: true),
                ChangedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_InstanceSettings", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ScheduledJobs",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 100, nullable: false),
                LastStartedAt = table.Column<DateTime>(nullable: true),
                LastFinishedAt = table.Column<DateTime>(nullable: true),
                LastOutcome = table.Column<string>(maxLength: 20, nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
                NextRunAt = table.Column<DateTime>(nullable: true),
                LeaseHolder = table.Column<Guid>(nullable: true),
                LeasedUntil = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ScheduledJobs", x => x.Name));

        // Email templates give messages an HTML alternative, encrypted like the text body.
        migrationBuilder.AddColumn<string>(name: "ProtectedHtmlBody", table: "OutgoingEmails", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("ProtectedHtmlBody", "OutgoingEmails");
        migrationBuilder.DropTable("ScheduledJobs");
        migrationBuilder.DropTable("InstanceSettings");
    }
}
