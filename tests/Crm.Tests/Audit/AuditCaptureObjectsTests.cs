using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.AuditKit;

namespace Crm.Tests.Audit;

/// <summary>
/// The sibling of <see cref="AuditCaptureTests"/> for the modules built after it: leads (with
/// conversion), deals, products, logged emails, tasks, memos (with review), files, countries and
/// the settings. Each write leaves its entries with the right old and new values; secrets only as "(changed)".
/// </summary>
public sealed class AuditCaptureObjectsTests
{
    private const string SmtpSecret = "copper meadow 61 falcon";

    private static async Task<(List<AuditEntry> Entries, HttpResponseMessage Response)> AfterAsync(CrmApp app, Func<Task<HttpResponseMessage>> call)
    {
        var mark = await MarkAsync(app);
        var response = await call();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await SinceAsync(app, mark), response);
    }

    private static async Task<int> IdOf(HttpResponseMessage response) => (await response.ReadJsonAsync()).GetProperty("id").GetInt32();

    private static void Same(string expected, string? actual) => Assert.Equal(expected, actual, ignoreCase: true);

    [Fact]
    public async Task Every_write_of_the_newer_modules_and_settings_leaves_entries_with_old_and_new_values()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().With("Email:Delivery:Enabled", "false");
        using var admin = await app.SignInAsAdminAsync();
        var leads = CrmModules.Leads.Key;
        var deals = CrmModules.Deals.Key;
        var products = CrmModules.Products.Key;
        var emails = CrmModules.Emails.Key;
        var tasks = CrmModules.Tasks.Key;
        var memos = CrmModules.Memos.Key;

        // Leads: create, update, convert (contact, company and deal created, lead marked converted), delete.
        var (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/leads",
            """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines","email":"ada@engines.example","source":"event"}"""));
        var lead = await IdOf(response);
        var created = One(entries, leads, AuditActions.Created, lead.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Lovelace", New(created, "lastName"));
        Assert.Equal("event", New(created, "source"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/leads/{lead}", """{"phone":"+44 1","version":1}"""));
        var changed = One(entries, leads, AuditActions.Updated);
        Assert.Null(Old(changed, "phone"));
        Assert.Equal("+44 1", New(changed, "phone"));
        (entries, _) = await AfterAsync(app, () => admin.PostJsonAsync($"/api/v1/leads/{lead}/convert",
            """{"createDeal":true,"dealTitle":"First order","dealAmount":"2500.00","dealCurrency":"EUR","version":2}"""));
        var contact = One(entries, CrmModules.Contacts.Key, AuditActions.Created);
        var company = One(entries, CrmModules.Companies.Key, AuditActions.Created);
        var deal = One(entries, deals, AuditActions.Created);
        Assert.Equal("Engines", New(company, "name"));
        Assert.Equal("Ada", New(contact, "firstName"));
        Assert.Equal("250000", New(deal, "amount"));
        var converted = One(entries, leads, AuditActions.Updated);
        Assert.Equal("new", Old(converted, "status"));
        Assert.Equal("converted", New(converted, "status"));
        Assert.Equal(contact.EntityId, New(converted, "convertedContactId"));
        Assert.Equal(deal.EntityId, New(converted, "convertedDealId"));
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/leads/{lead}"));
        Assert.Equal("Lovelace", Old(One(entries, leads, AuditActions.Deleted), "lastName"));

        // Deals: create, update (amount and stage), delete.
        (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/deals",
            """{"title":"Big one","amount":"1234.50","currency":"eur","probability":40,"expectedClose":"2026-12-31"}"""));
        var bigDeal = await IdOf(response);
        created = One(entries, deals, AuditActions.Created);
        Assert.Equal("123450", New(created, "amount"));
        Assert.Equal("EUR", New(created, "currency"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/deals/{bigDeal}", """{"amount":"2000.00","probability":60,"version":1}"""));
        changed = One(entries, deals, AuditActions.Updated);
        Assert.Equal(("123450", "200000"), (Old(changed, "amount"), New(changed, "amount")));
        Assert.Equal(("40", "60"), (Old(changed, "probability"), New(changed, "probability")));
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/deals/{bigDeal}"));
        Assert.Equal("Big one", Old(One(entries, deals, AuditActions.Deleted), "title"));

        // Products.
        (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/products",
            """{"code":"AB-1","name":"Anvil","price":"19.90","currency":"EUR","category":"Tools"}"""));
        var product = await IdOf(response);
        Assert.Equal("Anvil", New(One(entries, products, AuditActions.Created), "name"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/products/{product}", """{"name":"Heavy anvil","version":1}"""));
        changed = One(entries, products, AuditActions.Updated);
        Assert.Equal(("Anvil", "Heavy anvil"), (Old(changed, "name"), New(changed, "name")));
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/products/{product}"));
        Assert.Equal("Heavy anvil", Old(One(entries, products, AuditActions.Deleted), "name"));

        // Logged emails.
        (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/emails",
            """{"direction":"outgoing","from":"agent@crm.test","to":"a@example.com","subject":"Offer","body":"Hello","sentAt":"2026-11-20T10:30:00Z"}"""));
        var email = await IdOf(response);
        Assert.Equal("Offer", New(One(entries, emails, AuditActions.Created), "subject"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/emails/{email}", """{"subject":"Corrected offer","version":1}"""));
        changed = One(entries, emails, AuditActions.Updated);
        Assert.Equal(("Offer", "Corrected offer"), (Old(changed, "subject"), New(changed, "subject")));
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/emails/{email}"));
        Assert.Equal("Corrected offer", Old(One(entries, emails, AuditActions.Deleted), "subject"));

        // Tasks.
        (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/tasks", """{"title":"Call back"}"""));
        var task = await IdOf(response);
        Assert.Equal("Call back", New(One(entries, tasks, AuditActions.Created), "title"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/tasks/{task}", """{"status":"done","version":1}"""));
        changed = One(entries, tasks, AuditActions.Updated);
        Same("done", New(changed, "status"));
        Assert.NotEqual(Old(changed, "status"), New(changed, "status"));
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/tasks/{task}"));
        Assert.Equal("Call back", Old(One(entries, tasks, AuditActions.Deleted), "title"));

        // Memos: create, update, review by the recipient, delete.
        var rita = await app.CreateUserAsync("rita@crm.test", "rita password 1234", administrator: true, name: "Rita");
        (entries, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/memos", $$"""{"title":"Travel","body":"Budget for the fair","recipientId":"{{rita.Id}}"}"""));
        var memo = await IdOf(response);
        created = One(entries, memos, AuditActions.Created);
        Assert.Equal("Travel", New(created, "title"));
        Assert.Equal(rita.Id.ToString(), New(created, "recipientId"));
        (entries, _) = await AfterAsync(app, () => admin.PatchJsonAsync($"/api/v1/memos/{memo}", """{"body":"Budget for the spring fair","version":1}"""));
        changed = One(entries, memos, AuditActions.Updated);
        Assert.Equal(("Budget for the fair", "Budget for the spring fair"), (Old(changed, "body"), New(changed, "body")));
        using (var ritaClient = await app.SignInAsync("rita@crm.test", "rita password 1234"))
        {
            (entries, _) = await AfterAsync(app, () => ritaClient.PostJsonAsync($"/api/v1/memos/{memo}/review", """{"stage":"reviewed","comment":"Approved"}"""));
        }

        var reviewed = One(entries, memos, AuditActions.Updated);
        Same("pending", Old(reviewed, "stage"));
        Same("reviewed", New(reviewed, "stage"));
        Assert.Equal("Approved", New(reviewed, "reviewComment"));
        Assert.Equal(rita.Id, reviewed.ActorUserId);
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/memos/{memo}"));
        Assert.Equal("Travel", Old(One(entries, memos, AuditActions.Deleted), "title"));

        // Files: upload to a company, delete.
        (_, response) = await AfterAsync(app, () => admin.PostJsonAsync("/api/v1/companies", """{"name":"Files Ltd"}"""));
        var holder = await IdOf(response);
        (entries, response) = await AfterAsync(app, () => admin.UploadAsync("companies", holder, "notes.txt", "hello audit"u8.ToArray()));
        var file = await IdOf(response);
        var fileKey = file.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var upload = Assert.Single(entries, e => e.Action == AuditActions.Created && e.EntityId == fileKey && e.EntityType is "files" or "file-object");
        Assert.Equal("notes.txt", New(upload, "name"));
        Assert.Contains(entries, e => e.EntityType == "stored-file" && e.Action == AuditActions.Created);
        (entries, _) = await AfterAsync(app, () => admin.Http.DeleteAsync($"/api/v1/files/{file}"));
        Assert.Equal("notes.txt", Old(Assert.Single(entries, e => e.Action == AuditActions.Deleted && e.EntityId == fileKey && e.EntityType == upload.EntityType), "name"));

        // Countries: alternative names.
        var germany = await app.InDatabaseAsync(db => db.Countries.Where(c => c.Alpha2 == "DE").Select(c => new { c.Id, c.AlternativeNames }).SingleAsync());
        (entries, _) = await AfterAsync(app, () => admin.Http.PutAsJsonAsync($"/api/v1/countries/{germany.Id}/alternative-names", new { alternativeNames = new[] { "Germany", "Allemagne" } }));
        changed = One(entries, "country", AuditActions.Updated, germany.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(germany.AlternativeNames, Old(changed, "alternativeNames"));
        Assert.Contains("Allemagne", New(changed, "alternativeNames"), StringComparison.Ordinal);

        // Settings: company, localisation, SMTP (the password only as "(changed)").
        (entries, _) = await AfterAsync(app, () => admin.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "Acme & Söhne", documentLogoWidth = 200 }));
        var settings = Assert.Single(entries, e => e.EntityType == "instance-settings");
        Assert.Equal("Acme & Söhne", New(settings, "companyName"));
        (entries, _) = await AfterAsync(app, () => admin.Http.PutAsJsonAsync("/api/v1/settings/localisation",
            new { defaultLanguage = "de", timeZone = "Europe/Berlin", dateFormat = "DD/MM/YYYY", thousandsSeparator = ".", decimalSeparator = "," }));
        settings = One(entries, "instance-settings", AuditActions.Updated);
        Assert.Equal(("Europe/Berlin", "DD/MM/YYYY"), (New(settings, "timeZone"), New(settings, "dateFormat")));
        (entries, _) = await AfterAsync(app, () => admin.Http.PutAsJsonAsync("/api/v1/settings/email",
            new { host = "127.0.0.1", port = server.Port, security = "None", from = "sales@crm.test", userName = "mailer", password = SmtpSecret }));
        settings = One(entries, "instance-settings", AuditActions.Updated);
        Assert.Equal("127.0.0.1", New(settings, "smtpHost"));
        Assert.Equal(AuditNames.SecretChanged, New(settings, "smtpProtectedPassword"));
        Assert.Equal(AuditNames.SecretChanged, Old(settings, "smtpProtectedPassword"));
        Assert.DoesNotContain(SmtpSecret, settings.Changes, StringComparison.Ordinal);

        // The retention settings are audited too.
        (entries, _) = await AfterAsync(app, () => admin.Http.PutAsJsonAsync("/api/v1/settings/retention", new { periods = new[] { new { trail = "history", kind = leads, keepDays = 3650 } } }));
        Assert.Equal("3650", New(One(entries, "retention-period", AuditActions.Created), "keepDays"));

        // The whole story still verifies.
        Assert.True((await app.InDatabaseAsync(db => new VerifyAuditChain(db).RunAsync(CancellationToken.None))).Intact);
    }
}
