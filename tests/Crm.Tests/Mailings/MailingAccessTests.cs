using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Mailings.MailingKit;

namespace Crm.Tests.Mailings;

/// <summary>Who receives a mailing, who sees it, bad input, secrets, and the pages.</summary>
public sealed class MailingAccessTests
{
    private const string Secret = "smtp-Secret-Passw0rd-7731";

    [Fact]
    public async Task A_record_outside_the_senders_scope_is_never_a_recipient()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var own = await SalesRoleAsync(app, Scope.Own);
        var seller = await UserAsync(app, "seller@crm.test", own);
        var other = await UserAsync(app, "other@crm.test", own);
        await ContactsAsync(app, 3, null, seller.Id, "Mine", "mine");
        await ContactsAsync(app, 4, null, other.Id, "Theirs", "theirs");
        var client = await app.SignInAsync("seller@crm.test", Password);
        var account = await AddAccountAsync(client, "Main", server.Port, "seller@sales.test");

        var preview = await (await client.PostJsonAsync("/api/v1/mailings/preview", """{"module":"contacts"}""")).ReadJsonAsync();
        Assert.Equal(3, preview.GetProperty("recipients").GetInt32());
        await SentMailingAsync(client, account, "Hello", "Hi {{FirstName}}");
        Assert.Equal(3, await app.DrainAsync());
        Assert.All(server.Received, m => Assert.StartsWith("mine", m.RcptTos.Single(), StringComparison.Ordinal));

        // No view right on leads at all: nobody to write to, said on the module field.
        var leads = await SendAsync(client, account, "Hello", "Hi", "leads");
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/v1/mailings/preview", """{"module":"leads"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, leads.StatusCode);
        Assert.NotEmpty(await leads.FieldErrorsAsync("module"));
    }

    [Fact]
    public async Task Another_users_mailing_and_sending_account_are_not_found_on_every_path()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var ann = await UserAsync(app, "ann@crm.test", role);
        await UserAsync(app, "bob@crm.test", role);
        await ContactsAsync(app, 2, null, ann.Id, "Reader", "reader");
        var annClient = await app.SignInAsync("ann@crm.test", Password);
        var bobClient = await app.SignInAsync("bob@crm.test", Password);
        var annAccount = await AddAccountAsync(annClient, "Ann's", server.Port, "ann@sales.test");
        var bobAccount = await AddAccountAsync(bobClient, "Bob's", server.Port, "bob@sales.test");
        var mailing = await SentMailingAsync(annClient, annAccount, "Ann's news", "Hi");

        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.Http.GetAsync($"/api/v1/mailings/{mailing}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.Http.GetAsync($"/mailings/{mailing}")).StatusCode);
        var bobsList = await (await bobClient.Http.GetAsync("/api/v1/mailings")).ReadJsonAsync();
        Assert.Equal(0, bobsList.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await bobClient.Http.DeleteAsync($"/api/v1/sending-accounts/{annAccount}")).StatusCode);

        // Bob cannot send through Ann's account: a field error, nothing written.
        var refused = await SendAsync(bobClient, annAccount, "Sneaky", "Hi");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotEmpty(await refused.FieldErrorsAsync("sendingAccountId"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Mailings.CountAsync()));
        Assert.NotEqual(annAccount, bobAccount);

        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/api/v1/mailings/{mailing}")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_a_400_with_field_messages_and_changes_nothing()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var ann = await UserAsync(app, "ann@crm.test", role);
        await ContactsAsync(app, 2, null, ann.Id, "Reader", "reader");
        var client = await app.SignInAsync("ann@crm.test", Password);
        var account = await AddAccountAsync(client, "Main", server.Port, "ann@sales.test");

        async Task ExpectAsync(HttpResponseMessage response, params string[] fields)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ReadJsonAsync();
            var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
            Assert.All(fields, f => Assert.Contains(f, named));
        }

        await ExpectAsync(await SendAsync(client, 999_999, "Hello", "Hi"), "sendingAccountId");
        await ExpectAsync(await SendAsync(client, account, "Hello", "Hi", "invoices"), "module");
        await ExpectAsync(await SendAsync(client, account, "Hello", "Hi", "contacts", "passwordHash", "x"), "filterField");
        await ExpectAsync(await SendAsync(client, account, "Hello", "Hi", "contacts", "lastName", ""), "filterValue");
        await ExpectAsync(await SendAsync(client, account, "<script>alert(1)</script>", "Hi"), "subject");
        await ExpectAsync(await SendAsync(client, account, "Hello {{Salary}}", "Hi {{#each}}"), "subject", "body");
        await ExpectAsync(await SendAsync(client, account, "", ""), "subject", "body");
        await ExpectAsync(await client.PostJsonAsync("/api/v1/mailings/preview", """{"module":"contacts","filterField":"nope","filterValue":"x"}"""), "filterField");

        await ExpectAsync(await client.PostJsonAsync("/api/v1/sending-accounts", JsonSerializer.Serialize(new
        {
            name = "<b>x</b>", fromAddress = "not an address", host = "smtp example", port = 70000, security = "Carrier pigeon", userName = "u", ratePerMinute = 0,
        })), "name", "fromAddress", "host", "port", "security", "password", "ratePerMinute");
        await ExpectAsync(await client.PostJsonAsync("/api/v1/sending-accounts", """{"name":"x","fromAddress":"a@b.test","host":"h","port":25,"security":"7","ratePerMinute":5}"""), "security");

        Assert.Equal(0, await app.InDatabaseAsync(db => db.Mailings.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.OutgoingEmails.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.MassContacts.CountAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.SendingAccounts.CountAsync()));
    }

    [Fact]
    public async Task The_password_of_a_sending_account_is_never_in_a_page_an_api_answer_a_log_line_or_the_database_in_clear()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var ann = await UserAsync(app, "ann@crm.test", role);
        await ContactsAsync(app, 2, null, ann.Id, "Reader", "reader");
        var client = await app.SignInAsync("ann@crm.test", Password);

        // Added through the page (a wrong field first: the page comes back without the password filled in).
        var (_, page) = await client.GetPageAsync("/sending-accounts");
        var form = AccountForm("Main", "ann@sales.test", "127.0.0.1", server.Port, "0", userName: "ann", password: Secret);
        var wrong = await PostHandlerAsync(client, page, "/sending-accounts", "Add", form);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Messages per minute must be", wrongHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, wrongHtml, StringComparison.Ordinal);

        // An error about the password itself is shown at the field, though its value is not sent back.
        var (_, noPassword) = await client.FollowAsync(await PostHandlerAsync(client, page, "/sending-accounts", "Add",
            new Dictionary<string, string>(form) { ["Input.Password"] = "", ["Input.RatePerMinute"] = "100" }));
        Assert.Contains("Give both a user name and a password", noPassword.FieldError("Input.Password"), StringComparison.Ordinal);

        form["Input.RatePerMinute"] = "100";
        var added = await PostHandlerAsync(client, page, "/sending-accounts", "Add", form);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var (_, list) = await client.GetPageAsync("/sending-accounts");
        Assert.Contains("password stored", list.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, list.Source.Text, StringComparison.Ordinal);

        var api = await (await client.Http.GetAsync("/api/v1/sending-accounts")).Content.ReadAsStringAsync();
        Assert.Contains("\"hasPassword\":true", api, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, api, StringComparison.Ordinal);

        var account = await app.InDatabaseAsync(db => db.SendingAccounts.SingleAsync());
        await SentMailingAsync(client, account.Id, "Hello", "Hi");
        await app.DrainAsync();
        Assert.Equal(2, server.Received.Count);

        Assert.NotNull(account.ProtectedPassword);
        Assert.DoesNotContain(Secret, account.ProtectedPassword, StringComparison.Ordinal);
        var audit = await app.InDatabaseAsync(db => db.AuditEntries.Select(a => a.Changes + a.Label).ToListAsync());
        Assert.DoesNotContain(audit, a => a.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains(Secret, StringComparison.Ordinal) || (l.Exception ?? "").Contains(Secret, StringComparison.Ordinal));
        if (!TestDatabase.IsPostgres)
        {
            // The SQLite files themselves (database and write-ahead log) hold no clear-text copy.
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
                Assert.DoesNotContain(Secret, await reader.ReadToEndAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_pages_test_an_account_preview_and_send_a_mailing_and_show_its_delivery_and_admins_see_who_lacks_an_account()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port);
        var role = await SalesRoleAsync(app, Scope.All);
        var ann = await UserAsync(app, "ann@crm.test", role);
        await UserAsync(app, "bob@crm.test", role);
        await ContactsAsync(app, 3, null, ann.Id, "Reader", "reader");
        var client = await app.SignInAsync("ann@crm.test", Password);

        var (_, accounts) = await client.GetPageAsync("/sending-accounts");
        var form = AccountForm("Main", "ann@sales.test", "127.0.0.1", server.Port, "100");
        var tested = await PostHandlerAsync(client, accounts, "/sending-accounts", "Test", form);
        Assert.Contains("answers like an SMTP server", await tested.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.SendingAccounts.CountAsync()));
        var down = new Dictionary<string, string>(form) { ["Input.Port"] = SmtpServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var (_, failedPage) = await client.FollowAsync(await PostHandlerAsync(client, accounts, "/sending-accounts", "Test", down));
        Assert.NotNull(failedPage.FieldError("Input.Port"));

        var admin = await app.SignInAsAdminAsync();
        var (_, missing) = await admin.GetPageAsync("/admin/sending-accounts");
        var lacking = missing.QuerySelectorAll("#missing-accounts tbody td:nth-child(2)").Select(c => c.TextContent).ToList();
        Assert.Contains("ann@crm.test", lacking);
        Assert.Contains("bob@crm.test", lacking);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/admin/sending-accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/api/v1/sending-accounts-missing")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await PostHandlerAsync(client, accounts, "/sending-accounts", "Add", form)).StatusCode);
        var (_, missingAfter) = await admin.GetPageAsync("/admin/sending-accounts");
        var lackingAfter = missingAfter.QuerySelectorAll("#missing-accounts tbody td:nth-child(2)").Select(c => c.TextContent).ToList();
        Assert.DoesNotContain("ann@crm.test", lackingAfter);
        Assert.Contains("bob@crm.test", lackingAfter);
        var accountId = await app.InDatabaseAsync(db => db.SendingAccounts.Select(a => a.Id).SingleAsync());

        var (_, newPage) = await client.GetPageAsync("/mailings/new");
        var mailing = new Dictionary<string, string>
        {
            ["Input.SendingAccountId"] = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.Module"] = "contacts",
            ["Input.FilterField"] = "", ["Input.FilterValue"] = "", ["Input.Subject"] = "Page news", ["Input.Body"] = "Dear {{FirstName}}",
        };
        var preview = await PageClient.ParseAsync(await (await PostHandlerAsync(client, newPage, "/mailings/new", "Preview", mailing)).Content.ReadAsStringAsync());
        Assert.Contains("3 recipients", preview.QuerySelector("#recipient-preview")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Mailings.CountAsync()));

        var bad = await PageClient.ParseAsync(await (await PostHandlerAsync(client, newPage, "/mailings/new", "Send",
            new Dictionary<string, string>(mailing) { ["Input.Subject"] = "<script>x</script>" })).Content.ReadAsStringAsync());
        Assert.NotNull(bad.FieldError("Input.Subject"));

        var sent = await PostHandlerAsync(client, newPage, "/mailings/new", "Send", mailing);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await app.DrainAsync();
        var (_, detail) = await client.GetPageAsync(sent.Headers.Location!.OriginalString);
        Assert.Equal("3", detail.QuerySelector("[data-count=sent]")!.TextContent);
        Assert.Contains("ID ", detail.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var (_, list) = await client.GetPageAsync("/mailings");
        Assert.Contains("Page news", list.QuerySelector("main table")!.TextContent, StringComparison.Ordinal);
    }
}
