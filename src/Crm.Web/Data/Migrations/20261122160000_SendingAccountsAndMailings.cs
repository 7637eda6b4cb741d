using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// Users' sending accounts, mailings, mass contacts (recipient → account bindings), opt-outs, and
/// the outbox columns naming a message's account and mailing (plain columns: SQLite cannot add a
/// foreign key to an existing table, and a mailing's messages outlive a removed account).
/// </summary>
[DbContext(typeof(CrmDb))]
[Migration("20261122160000_SendingAccountsAndMailings")]
public sealed class SendingAccountsAndMailings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SendingAccounts",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                UserId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                FromAddress = table.Column<string>(maxLength: 256, nullable: false),
                Host = table.Column<string>(maxLength: 255, nullable: false),
                Port = table.Column<int>(nullable: false),
                Security = table.Column<int>(nullable: false),
                UserName = table.Column<string>(maxLength: 256, nullable: true),
                ProtectedPassword = table.Column<string>(maxLength: 2000, nullable: true),
                RatePerMinute = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SendingAccounts", x => x.Id);
                table.ForeignKey("FK_SendingAccounts_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_SendingAccounts_UserId_Id", "SendingAccounts", ["UserId", "Id"]);

        migrationBuilder.CreateTable(
            name: "Mailings",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                SenderId = table.Column<Guid>(nullable: false),
                SendingAccountId = table.Column<int>(nullable: false),
                Subject = table.Column<string>(maxLength: 300, nullable: false),
                Body = table.Column<string>(maxLength: 20000, nullable: false),
                Module = table.Column<string>(maxLength: 30, nullable: false),
                FilterField = table.Column<string>(maxLength: 50, nullable: true),
                FilterValue = table.Column<string>(maxLength: 200, nullable: true),
                Recipients = table.Column<int>(nullable: false),
                SkippedOptedOut = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Mailings", x => x.Id));
        migrationBuilder.CreateIndex("IX_Mailings_SenderId_Id", "Mailings", ["SenderId", "Id"]);

        migrationBuilder.CreateTable(
            name: "MassContacts",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Module = table.Column<string>(maxLength: 30, nullable: false),
                RecordId = table.Column<int>(nullable: false),
                SendingAccountId = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MassContacts", x => x.Id);
                table.ForeignKey("FK_MassContacts_SendingAccounts_SendingAccountId", x => x.SendingAccountId, "SendingAccounts", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_MassContacts_Module_RecordId", "MassContacts", ["Module", "RecordId"], unique: true);
        migrationBuilder.CreateIndex("IX_MassContacts_SendingAccountId", "MassContacts", "SendingAccountId");

        migrationBuilder.CreateTable(
            name: "MailingOptOuts",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Email = table.Column<string>(maxLength: 256, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MailingOptOuts", x => x.Id));
        migrationBuilder.CreateIndex("IX_MailingOptOuts_Email", "MailingOptOuts", "Email", unique: true);

        migrationBuilder.AddColumn<int>(name: "SendingAccountId", table: "OutgoingEmails", nullable: true);
        migrationBuilder.AddColumn<int>(name: "MailingId", table: "OutgoingEmails", nullable: true);
        migrationBuilder.CreateIndex("IX_OutgoingEmails_SendingAccountId_SentAt", "OutgoingEmails", ["SendingAccountId", "SentAt"]);
        migrationBuilder.CreateIndex("IX_OutgoingEmails_MailingId_Status", "OutgoingEmails", ["MailingId", "Status"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_OutgoingEmails_MailingId_Status", "OutgoingEmails");
        migrationBuilder.DropIndex("IX_OutgoingEmails_SendingAccountId_SentAt", "OutgoingEmails");
        migrationBuilder.DropColumn("MailingId", "OutgoingEmails");
        migrationBuilder.DropColumn("SendingAccountId", "OutgoingEmails");
        migrationBuilder.DropTable("MailingOptOuts");
        migrationBuilder.DropTable("MassContacts");
        migrationBuilder.DropTable("Mailings");
        migrationBuilder.DropTable("SendingAccounts");
    }
}
