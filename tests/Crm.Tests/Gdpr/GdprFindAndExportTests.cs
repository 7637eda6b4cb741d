using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Gdpr;
using Crm.Web.Features.Mailings;
using Crm.Web.Features.Memos;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Gdpr;

/// <summary>
/// Finding the person and the access export (issue 26): records of several modules seeded around one
/// address (and a look-alike that must not match), found with counts and links before acting, and
/// exported as a zip of documented JSON and CSV per kind, their history and the attached file, the
/// export recorded in the activity log and the audit trail.
/// </summary>
public sealed class GdprFindAndExportTests
{
    private const string Address = "ann.smith@example.com";

    [Fact]
    public async Task The_person_is_found_across_modules_and_exported_as_a_documented_zip()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;

        var contact = await ContactAsync(app, "Ann", "Smith", null, adminId, null);
        var lookAlike = await ContactAsync(app, "Joann", "Smith", null, adminId, null);
        var lead = await ObjectKit.LeadAsync(app, "Ann", "Smith", "Smith & Co", adminId, null, email: "ANN.SMITH@example.com");
        var company = await CompanyAsync(app, "Smith Consulting", adminId, null);
        var otherCompany = await CompanyAsync(app, "Unrelated Ltd", adminId, null);
        var aboutContact = await ObjectKit.EmailAsync(app, "Your quote", adminId, null, "contacts", contact);
        var toAddress = await ObjectKit.EmailAsync(app, "Newsletter reply", adminId, null);
        var unrelatedEmail = await ObjectKit.EmailAsync(app, "Other buyer", adminId, null);
        var (memo, otherMemo, binding) = await app.InDatabaseAsync(async db =>
        {
            // Through the API the edit makes an "updated" history entry as well as the created one.
            (await db.Contacts.SingleAsync(c => c.Id == lookAlike)).Email = "joann.smith@example.com";
            (await db.Companies.SingleAsync(c => c.Id == company)).Email = "Ann.Smith@Example.com";
            (await db.LoggedEmails.SingleAsync(e => e.Id == toAddress)).To = "info@crm.test, ann.smith@example.com";
            var mentioning = new Memo { Title = "Call back", Body = $"Ann ({Address}) asked for a call.", AuthorId = adminId, RecipientId = adminId, OwnerId = adminId, CreatedAt = now, ModifiedAt = now, Version = 1 };
            var other = new Memo { Title = "Call Joann", Body = "joann.smith@example.com asked too.", AuthorId = adminId, RecipientId = adminId, OwnerId = adminId, CreatedAt = now, ModifiedAt = now, Version = 1 };
            var account = new SendingAccount { UserId = adminId, Name = "Sales", FromAddress = "sales@crm.test", Host = "127.0.0.1", Port = 25, RatePerMinute = 60, CreatedAt = now };
            db.AddRange(mentioning, other, account);
            await db.SaveChangesAsync();
            var bound = new MassContact { Module = "contacts", RecordId = contact, SendingAccountId = account.Id, CreatedAt = now };
            db.Add(bound);
            db.MailingOptOuts.Add(new MailingOptOut { Email = Address, CreatedAt = now });
            await db.SaveChangesAsync();
            return (mentioning.Id, other.Id, bound.Id);
        });
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/contacts/{contact}", $$"""{"email":"Ann.Smith@example.com","version":1}""")).StatusCode);
        var fileBytes = Encoding.UTF8.GetBytes("Signed consent form of Ann Smith");
        var upload = await admin.UploadAsync("contacts", contact, "consent.txt", fileBytes);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();

        var today = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var request = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"access","email":"{{Address}}","receivedOn":"{{today}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();

        // Find: each kind with its count and records, the look-alikes left out.
        var found = await (await admin.Http.GetAsync($"/api/v1/gdpr/{request}/find")).ReadJsonAsync();
        var groups = found.GetProperty("groups").EnumerateArray().ToDictionary(
            g => g.GetProperty("kind").GetString()!,
            g => g.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).Order().ToArray());
        Assert.Equal([contact], groups["contacts"]);
        Assert.Equal([lead], groups["leads"]);
        Assert.Equal([company], groups["companies"]);
        Assert.Equal(new[] { aboutContact, toAddress }.Order().ToArray(), groups["emails"]);
        Assert.Equal([memo], groups["memos"]);
        Assert.Equal([file], groups["files"]);
        Assert.Equal([binding], groups["mailing-bindings"]);
        Assert.Single(groups["opt-outs"]);
        Assert.DoesNotContain(lookAlike, groups["contacts"]);
        Assert.DoesNotContain(otherCompany, groups["companies"]);
        Assert.DoesNotContain(unrelatedEmail, groups["emails"]);
        Assert.DoesNotContain(otherMemo, groups["memos"]);
        var history = found.GetProperty("historyEntries").GetInt32();
        Assert.True(history >= 9, $"only {history} history entries");

        // The request page shows the same before acting, with counts and links.
        var (_, page) = await admin.GetPageAsync($"/admin/gdpr/{request}");
        Assert.Equal("1", page.QuerySelector("#findings section[data-kind='contacts'] [data-count]")!.TextContent);
        Assert.NotNull(page.QuerySelector($"#findings section[data-kind='contacts'] a[href='/contacts/{contact}']"));
        Assert.Equal("2", page.QuerySelector("#findings section[data-kind='emails'] [data-count]")!.TextContent);
        Assert.NotNull(page.QuerySelector($"#findings section[data-kind='files'] a[href='/files/{file}']"));

        // The export: a zip with a documented JSON and a CSV per kind, the history and the file.
        var response = await admin.Http.GetAsync($"/api/v1/gdpr/{request}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var kind in new[] { "contacts", "leads", "companies", "emails", "memos", "files", "mailing-bindings", "opt-outs", "history" })
        {
            Assert.Contains($"{kind}.json", names);
            Assert.Contains($"{kind}.csv", names);
        }

        Assert.Contains("README.txt", names);
        Assert.Contains("request.json", names);
        Assert.Equal(fileBytes, Read(zip, $"files/{file}-consent.txt"));

        using var contacts = JsonDocument.Parse(Read(zip, "contacts.json"));
        Assert.False(string.IsNullOrWhiteSpace(contacts.RootElement.GetProperty("fields").GetProperty("email").GetString()));
        var exported = contacts.RootElement.GetProperty("records").EnumerateArray().Single();
        Assert.Equal((contact, "Ann", "Ann.Smith@example.com"),
            (exported.GetProperty("id").GetInt32(), exported.GetProperty("firstName").GetString(), exported.GetProperty("email").GetString()));
        var csv = Encoding.UTF8.GetString(Read(zip, "contacts.csv")).TrimStart('\uFEFF').Split("\r\n");
        Assert.StartsWith("id,firstName,lastName,email", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, line => line.StartsWith($"{contact},Ann,Smith,Ann.Smith@example.com", StringComparison.Ordinal));

        using var historyJson = JsonDocument.Parse(Read(zip, "history.json"));
        var entries = historyJson.RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(history, entries.Count);
        var contactEntries = entries.Where(e => e.GetProperty("recordType").GetString() == "contacts" && e.GetProperty("recordId").GetString() == contact.ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(contactEntries, e => e.GetProperty("action").GetString() == "created");
        var update = contactEntries.Single(e => e.GetProperty("action").GetString() == "updated");
        Assert.Equal("Ann.Smith@example.com", update.GetProperty("changes").GetProperty("email").GetProperty("new").GetString());
        Assert.DoesNotContain(entries, e => e.GetProperty("recordId").GetString() == lookAlike.ToString(CultureInfo.InvariantCulture) && e.GetProperty("recordType").GetString() == "contacts");

        // Downloadable from the page too; both exports are in the activity log and the audit trail, without the person's data.
        var fromPage = await admin.Http.GetAsync($"/admin/gdpr/{request}?handler=Export");
        Assert.Equal(HttpStatusCode.OK, fromPage.StatusCode);
        Assert.Equal("application/zip", fromPage.Content.Headers.ContentType?.MediaType);
        var logged = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ExportGdprPerson.ActivityKind).Select(a => a.Summary).ToListAsync());
        Assert.Equal(2, logged.Count);
        Assert.All(logged, s => Assert.DoesNotContain(Address, s, StringComparison.OrdinalIgnoreCase));
        var entityType = AuditNames.EntityType(typeof(GdprRequest));
        Assert.Equal(2, await app.InDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == entityType && e.Action == AuditActions.Exported)));
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
