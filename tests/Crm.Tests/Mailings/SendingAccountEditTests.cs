using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Mailings;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Mailings.MailingKit;

namespace Crm.Tests.Mailings;

/// <summary>Editing a sending account in place: bindings kept, the password write-only, a server change asks for it again.</summary>
public sealed class SendingAccountEditTests
{
    private const string OldSecret = "first-Smtp-Passw0rd-4410";
    private const string NewSecret = "second-Smtp-Passw0rd-8823";

    private static string Body(int port, string host = "127.0.0.1", string name = "Main", string? userName = "mailer", string? password = null, int rate = 10_000) =>
        JsonSerializer.Serialize(new { name, fromAddress = "ann@sales.test", host, port, security = "None", userName, password, ratePerMinute = rate });

    [Fact]
    public async Task An_edit_keeps_the_account_its_bound_recipients_and_a_blank_password_keeps_the_stored_one()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var ann = await UserAsync(app, "ann@crm.test", role);
        await ContactsAsync(app, 3, null, ann.Id, "Reader", "reader");
        var client = await app.SignInAsync("ann@crm.test", Password);
        var account = await AddAccountAsync(client, "Main", server.Port, "ann@sales.test", password: OldSecret);
        await SentMailingAsync(client, account, "First", "Hi");
        await app.DrainAsync();
        var stored = await app.InDatabaseAsync(db => db.SendingAccounts.Where(a => a.Id == account).Select(a => a.ProtectedPassword).SingleAsync());
        Assert.Equal(3, await app.InDatabaseAsync(db => db.MassContacts.CountAsync(m => m.SendingAccountId == account)));

        var saved = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", Body(server.Port, name: "Renamed", rate: 500));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var view = await saved.ReadJsonAsync();
        Assert.Equal("Renamed", view.GetProperty("name").GetString());
        Assert.Equal(500, view.GetProperty("ratePerMinute").GetInt32());
        Assert.True(view.GetProperty("hasPassword").GetBoolean());
        Assert.True(view.GetProperty("isDefault").GetBoolean());
        Assert.Equal(3, view.GetProperty("boundRecipients").GetInt32());

        var after = await app.InDatabaseAsync(db => db.SendingAccounts.AsNoTracking().SingleAsync());
        Assert.Equal(account, after.Id);
        Assert.Equal("Renamed", after.Name);
        Assert.Equal(stored, after.ProtectedPassword);
        Assert.Equal(3, await app.InDatabaseAsync(db => db.MassContacts.CountAsync(m => m.SendingAccountId == account)));

        // The next mailing still goes out through it, to the same bound recipients.
        var before = server.Received.Count;
        await SentMailingAsync(client, account, "Second", "Hi again");
        await app.DrainAsync();
        Assert.Equal(before + 3, server.Received.Count);

        // The edit is in the trail as an update of the account, the password not among the changes.
        var entry = await app.InDatabaseAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == "sending-account" && e.EntityId == account.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.Action == "updated")
            .SingleAsync());
        Assert.Contains("\"name\":{\"old\":\"Main\",\"new\":\"Renamed\"}", entry.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain("protectedPassword", entry.Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one_encrypted_and_a_changed_server_needs_it_typed_again()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "ann@crm.test", role);
        var client = await app.SignInAsync("ann@crm.test", Password);
        var account = await AddAccountAsync(client, "Main", server.Port, "ann@sales.test", password: OldSecret);
        var stored = await app.InDatabaseAsync(db => db.SendingAccounts.Select(a => a.ProtectedPassword).SingleAsync());

        // Another host, port, security or user name with the stored password: refused, nothing changed.
        foreach (var body in new[]
        {
            Body(server.Port, host: "localhost"), Body(server.Port + 1), Body(server.Port).Replace("\"None\"", "\"StartTls\"", StringComparison.Ordinal),
            Body(server.Port, userName: "someone-else"),
        })
        {
            var refused = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(await refused.FieldErrorsAsync("password"), m => m.StartsWith("Type the password again", StringComparison.Ordinal));
        }

        // The same server and user name keep it.
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", Body(server.Port, name: "Same server"))).StatusCode);
        Assert.Equal(stored, await app.InDatabaseAsync(db => db.SendingAccounts.Select(a => a.ProtectedPassword).SingleAsync()));

        var unchanged = await app.InDatabaseAsync(db => db.SendingAccounts.AsNoTracking().SingleAsync());
        Assert.Equal(("127.0.0.1", server.Port, stored), (unchanged.Host, unchanged.Port, unchanged.ProtectedPassword));

        // Bad fields are named one by one, as when adding.
        var bad = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", JsonSerializer.Serialize(new
        {
            name = "", fromAddress = "nope", host = "smtp example", port = 0, security = "Carrier pigeon", userName = (string?)null, password = "x", ratePerMinute = 0,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var named = (await bad.ReadJsonAsync()).GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Equal(["fromAddress", "host", "name", "port", "ratePerMinute", "security", "userName"], named.Order());

        // With the password typed again, the server moves; the new password is stored encrypted.
        var moved = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", Body(server.Port, host: "localhost", password: NewSecret));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = await app.InDatabaseAsync(db => db.SendingAccounts.AsNoTracking().SingleAsync());
        Assert.Equal("localhost", after.Host);
        Assert.NotEqual(stored, after.ProtectedPassword);
        Assert.DoesNotContain(NewSecret, after.ProtectedPassword!, StringComparison.Ordinal);
        Assert.Equal(NewSecret, app.Services.GetRequiredService<SendingAccountSecrets>().Settings(after).Password);
        var trail = await app.InDatabaseAsync(db => db.AuditEntries.Select(e => e.Changes + e.Label).ToListAsync());
        Assert.Contains(trail, t => t.Contains("\"protectedPassword\":{\"old\":\"(changed)\",\"new\":\"(changed)\"}", StringComparison.Ordinal));
        Assert.DoesNotContain(trail, t => t.Contains(NewSecret, StringComparison.Ordinal) || t.Contains(OldSecret, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains(NewSecret, StringComparison.Ordinal));

        // Clearing the user name forgets the password: a relay without sign-in.
        var relay = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", Body(server.Port, host: "localhost", userName: null));
        Assert.Equal(HttpStatusCode.OK, relay.StatusCode);
        Assert.False((await relay.ReadJsonAsync()).GetProperty("hasPassword").GetBoolean());
        Assert.Null(await app.InDatabaseAsync(db => db.SendingAccounts.Select(a => a.ProtectedPassword).SingleAsync()));

        // And a user name without a password is refused again, now that none is stored.
        var half = await client.PutJsonAsync($"/api/v1/sending-accounts/{account}", Body(server.Port, host: "localhost"));
        Assert.NotEmpty(await half.FieldErrorsAsync("password"));
    }

    [Fact]
    public async Task Another_users_account_is_not_found_by_the_api_or_the_edit_page_and_a_preview_changes_nothing()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var annUser = await UserAsync(app, "ann@crm.test", role);
        await UserAsync(app, "bob@crm.test", role);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        var bob = await app.SignInAsync("bob@crm.test", Password);
        var annAccount = await AddAccountAsync(ann, "Ann's", server.Port, "ann@sales.test");
        var bobAccount = await AddAccountAsync(bob, "Bob's", server.Port, "bob@sales.test");

        Assert.Equal(HttpStatusCode.NotFound, (await bob.PutJsonAsync($"/api/v1/sending-accounts/{annAccount}", Body(server.Port, userName: null, name: "Mine now"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/sending-accounts/{annAccount}/edit")).StatusCode);
        var (_, bobsPage) = await bob.GetPageAsync($"/sending-accounts/{bobAccount}/edit");
        var form = AccountForm("Mine now", "bob@sales.test", "127.0.0.1", server.Port, "5");
        var posted = await PostHandlerAsync(bob, bobsPage, $"/sending-accounts/{annAccount}/edit", "Save", form);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);

        // An administrator previewing as Ann reaches the use case as Ann, and still changes nothing.
        using (var scope = app.Services.CreateScope())
        {
            var previewing = new Crm.Web.Security.Actor(Crm.Web.Security.ActorKind.User, annUser.Id, IsAdministrator: false, "Ann") { IsPreview = true };
            var input = new SendingAccountInput("Previewed", "ann@sales.test", "127.0.0.1", server.Port, "None", null, null, 5);
            Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await scope.ServiceProvider.GetRequiredService<EditSendingAccount>().RunAsync(previewing, annAccount, input, default)).Outcome);
        }

        Assert.Equal("Ann's", await app.InDatabaseAsync(db => db.SendingAccounts.Where(a => a.Id == annAccount).Select(a => a.Name).SingleAsync()));
    }

    [Fact]
    public async Task The_edit_page_comes_filled_in_without_the_password_and_saves_in_place()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        await UserAsync(app, "ann@crm.test", role);
        var client = await app.SignInAsync("ann@crm.test", Password);
        var account = await AddAccountAsync(client, "Main", server.Port, "ann@sales.test", password: OldSecret);

        var (_, list) = await client.GetPageAsync("/sending-accounts");
        Assert.NotNull(list.QuerySelector($"main a[href='/sending-accounts/{account}/edit']"));
        var (_, page) = await client.GetPageAsync($"/sending-accounts/{account}/edit");
        Assert.Equal("Main", page.QuerySelector<IHtmlInputElement>("input[name='Input.Name']")!.Value);
        Assert.Equal("mailer", page.QuerySelector<IHtmlInputElement>("input[name='Input.UserName']")!.Value);
        Assert.Equal("", page.QuerySelector<IHtmlInputElement>("input[name='Input.Password']")!.Value);
        Assert.Contains("A password is stored", page.QuerySelector("#password-help")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(OldSecret, page.Source.Text, StringComparison.Ordinal);

        var form = AccountForm("Renamed", "ann@sales.test", "localhost", server.Port, "60", userName: "mailer", password: "");

        // The connection test accepts a blank password for the same server, and saves nothing.
        var sameServer = new Dictionary<string, string>(form) { ["Input.Host"] = "127.0.0.1" };
        var tested = await PostHandlerAsync(client, page, $"/sending-accounts/{account}/edit", "Test", sameServer);
        Assert.Contains("answers like an SMTP server", await tested.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A new host without the password: the test and the save both say so at the field, together
        // with any other wrong field, and nothing is saved.
        var (_, testedElsewhere) = await client.FollowAsync(await PostHandlerAsync(client, page, $"/sending-accounts/{account}/edit", "Test", form));
        Assert.Contains("Type the password again", testedElsewhere.FieldError("Input.Password"), StringComparison.Ordinal);
        var (_, refused) = await client.FollowAsync(await PostHandlerAsync(client, page, $"/sending-accounts/{account}/edit", "Save",
            new Dictionary<string, string>(form) { ["Input.RatePerMinute"] = "0" }));
        Assert.Contains("Type the password again", refused.FieldError("Input.Password"), StringComparison.Ordinal);
        Assert.NotNull(refused.FieldError("Input.RatePerMinute"));
        Assert.Equal("Main", await app.InDatabaseAsync(db => db.SendingAccounts.Select(a => a.Name).SingleAsync()));

        // A typed password is never sent back, whichever button failed.
        foreach (var handler in new[] { "Save", "Test" })
        {
            var echoed = await PostHandlerAsync(client, page, $"/sending-accounts/{account}/edit", handler,
                new Dictionary<string, string>(form) { ["Input.Password"] = NewSecret, ["Input.RatePerMinute"] = "0" });
            var html = await echoed.Content.ReadAsStringAsync();
            Assert.Contains("Messages per minute must be", html, StringComparison.Ordinal);
            Assert.DoesNotContain(NewSecret, html, StringComparison.Ordinal);
        }

        form["Input.Password"] = NewSecret;
        var saved = await PostHandlerAsync(client, refused, $"/sending-accounts/{account}/edit", "Save", form);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var (_, done) = await client.FollowAsync(saved);
        Assert.Contains("The sending account was saved.", done.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Renamed", done.QuerySelector("main table")!.TextContent, StringComparison.Ordinal);
        var after = await app.InDatabaseAsync(db => db.SendingAccounts.AsNoTracking().SingleAsync());
        Assert.Equal((account, "Renamed", "localhost", 60), (after.Id, after.Name, after.Host, after.RatePerMinute));
    }
}
