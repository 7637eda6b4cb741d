using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// One record of each kind a page or API route can name by its {id}, made by the administrator
/// through the API as a user would (or read from the seeds), keyed by the route's leading segments
/// ("companies", "admin/departments"). A route of a kind not here cannot be exercised: the tests
/// that use this world fail on it, so a new module's record is added here once.
/// </summary>
public sealed class HostileWorld
{
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    /// <summary>The id of this world's record for a route's kind, or null when the world has none.</summary>
    public string? IdFor(string kind) => _ids.GetValueOrDefault(kind);

    public static async Task<HostileWorld> CreateAsync(CrmApp app, PageClient admin)
    {
        var world = new HostileWorld();
        async Task<int> CreateAsync(string module, string json)
        {
            var response = await admin.PostJsonAsync($"/api/v1/{module}", json);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"the world's {module} record: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
        }

        void Add(string kind, object id) => world._ids[kind] = Convert.ToString(id, CultureInfo.InvariantCulture)!;

        var user = await app.CreateUserAsync("world@crm.test", "world password 2026 ok", name: "World User");
        Add("users", user.Id);
        Add("admin/users", user.Id);
        Add("access/overrides", user.Id);
        var company = await CreateAsync("companies", """{"name":"World Company"}""");
        Add("companies", company);
        Add("contacts", await CreateAsync("contacts", $$"""{"firstName":"World","lastName":"Contact","email":"world.contact@example.com","companyId":{{company}}}"""));
        Add("leads", await CreateAsync("leads", """{"firstName":"World","lastName":"Lead","companyName":"World Lead Company"}"""));
        Add("deals", await CreateAsync("deals", $$"""{"title":"World deal","companyId":{{company}},"currency":"EUR","amount":"100"}"""));
        Add("products", await CreateAsync("products", """{"code":"WORLD-1","name":"World product","price":"10","currency":"EUR"}"""));
        Add("tasks", await CreateAsync("tasks", $$"""{"title":"World task","relatedModule":"companies","relatedId":{{company}}}"""));
        Add("memos", await CreateAsync("memos", $$"""{"title":"World memo","body":"About the world","recipientId":"{{user.Id}}","relatedModule":"companies","relatedId":{{company}}}"""));
        Add("emails", await CreateAsync("emails", $$"""
            {"direction":"outgoing","from":"sales@crm.test","to":"buyer@example.com","subject":"World email","body":"Hello",
             "sentAt":"2026-01-05T10:00:00Z","relatedModule":"companies","relatedId":{{company}}}
            """));
        var file = await admin.UploadAsync("companies", company, "world.txt", "world"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, file.StatusCode);
        Add("files", (await file.ReadJsonAsync()).GetProperty("id").GetInt32());

        var department = await CreateAsync("departments", """{"name":"World department"}""");
        Add("departments", department);
        Add("admin/departments", department);
        var group = await CreateAsync("groups", """{"name":"World group"}""");
        Add("groups", group);
        Add("admin/groups", group);

        var mailer = await CreateAsync("sending-accounts",
            """{"name":"World mailer","fromAddress":"news@crm.test","host":"127.0.0.1","port":2525,"security":"None","ratePerMinute":60}""");
        Add("sending-accounts", mailer);
        Add("mailings", await CreateAsync("mailings", $$"""{"sendingAccountId":{{mailer}},"subject":"World news","body":"Hello","module":"contacts"}"""));
        // Disabled, so that no event is ever sent to its (public) address while the tests change records.
        var webhook = await admin.PostJsonAsync("/api/v1/webhooks",
            $$"""{"name":"World webhook","url":"https://93.184.215.14/world","userId":"{{user.Id}}","modules":["companies"],"events":["created"],"enabled":false}""");
        Assert.True(webhook.StatusCode == HttpStatusCode.Created, $"the world's webhook: {(int)webhook.StatusCode} {await webhook.Content.ReadAsStringAsync()}");
        var webhookId = (await webhook.ReadJsonAsync()).GetProperty("id").GetGuid();
        Add("webhooks", webhookId);
        Add("admin/webhooks", webhookId);

        // Disabled, like the webhook: no rule acts while the tests change records.
        var rule = await admin.PostJsonAsync("/api/v1/automation/rules", $$$"""
            {"name":"World rule","module":"companies","trigger":"created","automationUserId":"{{{user.Id}}}",
             "actions":[{"kind":"notify","recipients":"owner","title":"New company {{name}}"}]}
            """);
        Assert.True(rule.StatusCode == HttpStatusCode.Created, $"the world's automation rule: {(int)rule.StatusCode} {await rule.Content.ReadAsStringAsync()}");
        var ruleId = (await rule.ReadJsonAsync()).GetProperty("id").GetGuid();
        Add("automation/rules", ruleId);
        Add("admin/automation", ruleId);
        var vaultCategory = await CreateAsync("vault/categories", """{"name":"World vault"}""");
        Add("vault/categories", vaultCategory);
        Add("admin/vault/categories", vaultCategory);
        Add("vault", await CreateAsync("vault", $$"""{"name":"World account","categoryId":{{vaultCategory}},"password":"world vault password"}"""));

        var customField = await CreateAsync("custom-fields", """{"module":"companies","key":"worldCode","label":"World code","type":"text"}""");
        Add("custom-fields", customField);
        Add("admin/custom-fields", customField);

        var gdpr = await CreateAsync("gdpr", """{"kind":"access","email":"world.person@example.com","receivedOn":"2026-11-20"}""");
        Add("gdpr", gdpr);
        Add("admin/gdpr", gdpr);

        // An import of a small file, waiting for its mapping: its check (API) and its page (the wizard's form).
        var importFile = new MultipartFormDataContent { { new StringContent("contacts"), "module" } };
        importFile.Add(new ByteArrayContent("First name,Last name\r\nWorld,Import\r\n"u8.ToArray()), "file", "world.csv");
        var import = await admin.Http.PostAsync("/api/v1/imports", importFile);
        Assert.True(import.StatusCode == HttpStatusCode.Created, $"the world's import: {(int)import.StatusCode} {await import.Content.ReadAsStringAsync()}");
        var importId = (await import.ReadJsonAsync()).GetProperty("id").GetInt32();
        Add("imports", importId);
        Add("import", importId);

        // The shared delete confirmation (/{module}/{id}/delete) names its module, then the record.
        Add("", "leads");
        // A history page names its module, then the record.
        Add("history", "companies");
        Add("history/companies", company);
        // A sharing page and the shares API name their module, then the record.
        Add("sharing", "companies");
        Add("sharing/companies", company);
        Add("api/v1", "companies");
        var (role, country) = await app.InDatabaseAsync(async db => (
            await db.Roles.Where(r => r.Id != Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync(),
            await db.Countries.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync()));
        Add("roles", role);
        Add("admin/roles", role);
        var profile = await CreateAsync("profiles", """{"name":"World profile"}""");
        Add("profiles", profile);
        Add("admin/profiles", profile);
        Add("countries", country);
        Add("admin/countries", country);
        return world;
    }
}
