using Crm.Web.Features.Help;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Mailings;

public sealed class MailingsSetup : ICrmFeature
{
    /// <summary>Sending accounts, mass mailings with sticky recipient bindings, opt-outs, their pages and help.</summary>
    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton<SendingAccountSecrets>();
        services.AddScoped<ListSendingAccounts>();
        services.AddScoped<AddSendingAccount>();
        services.AddScoped<EditSendingAccount>();
        services.AddScoped<TestSendingAccount>();
        services.AddScoped<RemoveSendingAccount>();
        services.AddScoped<ListUsersWithoutSendingAccount>();
        services.AddScoped<MailingRecipients>();
        services.AddScoped<CreateMailing>();
        services.AddScoped<ListMailings>();
        services.AddScoped<ReadMailing>();
        services.AddScoped<Unsubscribe>();

        // Listed for whoever may see contacts: those are the people who write to customers.
        services.AddSection(new Section("Mailings", "Mass mailings to contacts, companies and leads, from your own sending accounts.", "/mailings", 75, _ => true)
        {
            Module = CrmModules.Contacts.Key,
        });
        services.AddSection(new Section(
            "Sending accounts",
            "Which sales staff have no sending account for mailings yet.",
            "/admin/sending-accounts",
            650,
            u => u.IsAdministrator) { Area = SectionArea.Administration });
        foreach (var topic in s_help)
        {
            services.AddHelpTopic(topic);
        }
    }

    public void MapApi(RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/sending-accounts").WithTags("Sending accounts");
        accounts.MapGet("", async (HttpContext http, ListSendingAccounts list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListSendingAccounts")
            .WithSummary("Your sending accounts, the default (first) one first; passwords are never returned, only whether one is stored.");
        accounts.MapPost("", async (HttpContext http, SendingAccountInput input, AddSendingAccount add, CancellationToken cancellationToken) =>
                (await add.RunAsync(http.Actor(), input, cancellationToken)).ToHttp(a => Results.Created($"/api/v1/sending-accounts/{a.Id}", a)))
            .WithName("AddSendingAccount")
            .WithSummary("Adds a sending account (SMTP server, from address, user name, password, messages per minute); the password is encrypted and write-only.");
        accounts.MapPost("/test", async (HttpContext http, SendingAccountInput input, TestSendingAccount test, CancellationToken cancellationToken) =>
                (await test.RunAsync(http.Actor(), input, null, cancellationToken)).ToHttp(m => Results.Ok(new { message = m })))
            .WithName("TestSendingAccount")
            .WithSummary("Tries the account's server (connect, EHLO, STARTTLS or implicit TLS, AUTH when offered, NOOP) without saving anything; a failure names the field to fix.");
        accounts.MapPut("/{id:int}", async (HttpContext http, int id, SendingAccountInput input, EditSendingAccount edit, CancellationToken cancellationToken) =>
                (await edit.RunAsync(http.Actor(), id, input, cancellationToken)).ToHttp())
            .WithName("EditSendingAccount")
            .WithSummary("Changes one of your sending accounts in place, keeping its recipient bindings; a blank password keeps the stored one unless the host, port, security or user name changes. Messages still waiting go out with the new settings.");
        accounts.MapDelete("/{id:int}", async (HttpContext http, int id, RemoveSendingAccount remove, CancellationToken cancellationToken) =>
                (await remove.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("RemoveSendingAccount")
            .WithSummary("Removes one of your sending accounts and the recipient bindings to it.");

        api.MapGet("/sending-accounts-missing", async (HttpContext http, ListUsersWithoutSendingAccount list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .RequireAuthorization(Policies.Administrator)
            .WithTags("Sending accounts")
            .WithName("ListUsersWithoutSendingAccount")
            .WithSummary("Administrators: the active sales staff (role may view contacts, companies or leads) without a sending account.");

        var mailings = api.MapGroup("/mailings").WithTags("Mailings");
        mailings.MapGet("", async (HttpContext http, ListMailings list, CancellationToken cancellationToken) =>
                (await list.RunAsync(http.Actor(), cancellationToken)).ToHttp())
            .WithName("ListMailings")
            .WithSummary("Your mailings (an administrator's: everyone's), newest first, with delivery counts.");
        mailings.MapGet("/{id:int}", async (HttpContext http, int id, ReadMailing read, CancellationToken cancellationToken) =>
                (await read.RunAsync(http.Actor(), id, cancellationToken)).ToHttp())
            .WithName("ReadMailing")
            .WithSummary("One mailing with its delivery counts (queued, sent, blocked, discarded).");
        mailings.MapPost("/preview", async (HttpContext http, MailingInput input, CreateMailing create, CancellationToken cancellationToken) =>
                (await create.PreviewAsync(http.Actor(), input, cancellationToken)).ToHttp())
            .WithName("PreviewMailingRecipients")
            .WithSummary("How many addresses the filter reaches now (records you may view, with an address, not opted out) and how many opted out.");
        mailings.MapPost("", async (HttpContext http, MailingInput input, CreateMailing create, CancellationToken cancellationToken) =>
                (await create.RunAsync(http.Actor(), input, http, cancellationToken)).ToHttp(m => Results.Created($"/api/v1/mailings/{m.Id}", m)))
            .WithName("SendMailing")
            .WithSummary("Sends a mailing: one message per recipient address, through the account each recipient is bound to (else the chosen one, which binds it).");
    }

    private static readonly HelpTopic[] s_help =
    [
        new("mailings", "Mailings",
        [
            "A mailing sends one email to each recipient chosen by a filter: contacts, companies or leads, optionally only those whose field (name, city, status, …) contains a value. Only records you may see are ever recipients, and only those with an email address; an address shared by several records gets one message.",
            "The subject and body may use the placeholders {{FirstName}}, {{LastName}}, {{Name}} and {{Email}}; nothing else is allowed between double braces. HTML tags are refused: mailings are plain text.",
            "Preview recipients counts who would receive the mailing now, and how many matching addresses have unsubscribed. Every message ends with an unsubscribe link; an address that unsubscribed is skipped by every later mailing.",
            "The first mailing to a recipient binds it to the sending account used (a \"mass contact\"); later mailings reach it from that same account, even when they are sent from another one. When a company or contact is transferred to another owner, its binding moves to the new owner's first sending account (or is removed if they have none).",
            "Messages go out through each account's own server, never faster than its messages-per-minute limit. The mailing's page shows how many are waiting, sent and blocked; blocked ones are listed on the email queue for administrators.",
        ]),
        new("sending-accounts", "My sending accounts",
        [
            "A sending account is your own mailbox's SMTP server: host, port, security (StartTls on port 587, SslOnConnect for implicit TLS on port 465, or None for a relay on a trusted network), from address, user name and password, and how many messages per minute your provider allows.",
            "Test connection tries the server (connect, greeting, TLS with the server's certificate checked, sign-in when the server offers it, NOOP) without saving anything. A certificate that cannot be validated is refused; only the server's operator can trust a relay's own certificate.",
            "The password is encrypted when saved and never shown again, not even to you. Your first account is your default: recipients transferred to you are bound to it.",
            "Edit changes an account in place (a new password, another server, a different rate) and keeps the recipients bound to it; messages still waiting for it go out with the new settings. Leave the password blank to keep the stored one; when the host, port, security or user name changes, type it again, since a stored password is only ever sent to the server and user name it was given for. Clearing the user name forgets the password.",
            "Removing an account removes its recipient bindings; messages still waiting for it are blocked.",
        ]),
        new("sending-accounts-missing", "Sales staff without a sending account",
        [
            "Lists the active users whose role may view contacts, companies or leads but who have no sending account yet: they cannot send mailings until they add one under My sending accounts.",
        ], AdministratorsOnly: true),
        new("unsubscribe", "Unsubscribe",
        [
            "This page stops mailings to the address named in the link of a mailing message. It needs no account: confirm, and no later mailing is sent to that address.",
        ]),
    ];
}
