using System.Net;
using System.Text.Json;
using Crm.Tests.ApiTokens;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Companies;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Roles;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;

namespace Crm.Tests.CustomFields;

/// <summary>
/// The list API of every module (issue 28): each item carries the <c>customFields</c> object its GET
/// has, an admin-only field absent for a staff token; the values of a whole page are read in a fixed
/// number of database commands, counted from the app's command log, whatever the page's size.
/// </summary>
public sealed class CustomFieldListApiTests(CustomFieldListApiTests.CountingApp app) : IClassFixture<CustomFieldListApiTests.CountingApp>
{
    /// <summary>The custom fields app with EF's command log on, so a test can count the commands a request ran.</summary>
    public sealed class CountingApp : CustomFieldsApp
    {
        public CountingApp()
        {
            With("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        }
    }

    public static TheoryData<string> Modules() => [.. ReadableModules.All.Select(m => m.Key)];

    private static async Task<JsonElement> GetAsync(HttpClient client, string address)
    {
        var response = await client.GetAsync(address);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>The record inside a GET answer (tasks and memos wrap it: the nested object with a version).</summary>
    private static JsonElement RecordOf(JsonElement answer) =>
        answer.TryGetProperty("version", out _) ? answer
            : answer.EnumerateObject().Single(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("version", out _)).Value;

    private async Task<HttpClient> StaffTokenAsync(PageClient admin, string module)
    {
        (string, string, Scope)[] grants =
        [
            .. ObjectKit.Everything(Scope.All),
            .. new[] { CrmModules.Tasks.Key, CrmModules.Memos.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, Scope.All))),
        ];
        var role = await CompanyKit.RoleAsync(app, $"CF list staff {module}", null, AssignRecordsTo.AnyUser, grants);
        var user = await CompanyKit.UserAsync(app, $"cf-list-{module}@example.com", role);
        return TokenKit.Integration(app, (await TokenKit.CreateByApiAsync(admin, $"CF list {module}", user.Id)).GetProperty("token").GetString()!);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Each_item_of_the_list_carries_the_custom_fields_of_its_get_and_a_staff_token_never_sees_an_admin_only_one(string module)
    {
        var admin = await app.SignInAsAdminAsync();
        var owner = await app.AdminIdAsync();
        var tier = await CustomFieldsApp.FieldAsync(admin, module, "listTier", CustomFieldTypes.Select);
        var secret = await CustomFieldsApp.FieldAsync(admin, module, "listSecret", CustomFieldTypes.Text, adminOnly: true);
        var held = await app.RecordAsync(module, $"Listcf {module} held", owner);
        var bare = await app.RecordAsync(module, $"Listcf {module} bare", owner);
        await app.HoldAsync(module, tier, held, "Retail");
        await app.HoldAsync(module, secret, held, "hush");
        var staff = await StaffTokenAsync(admin, module);

        foreach (var (client, seesSecret) in new[] { (admin.Http, true), (staff, false) })
        {
            var items = (await GetAsync(client, $"/api/v1/{module}?search=Listcf&pageSize=100")).GetProperty("items").EnumerateArray()
                .ToDictionary(i => i.GetProperty("id").GetInt32(), i => i.GetProperty("customFields"));
            Assert.Equal(new[] { held, bare }.Order(), items.Keys.Order());
            foreach (var (id, fields) in items)
            {
                // The very object its GET answers.
                var read = RecordOf(await GetAsync(client, $"/api/v1/{module}/{id}")).GetProperty("customFields");
                Assert.Equal(read.GetRawText(), fields.GetRawText());
                Assert.Equal(seesSecret, fields.TryGetProperty("listSecret", out _));
            }

            Assert.Equal("Retail", items[held].GetProperty("listTier").GetString());
            Assert.Equal(JsonValueKind.Null, items[bare].GetProperty("listTier").ValueKind);
            if (seesSecret)
            {
                Assert.Equal("hush", items[held].GetProperty("listSecret").GetString());
            }
        }
    }

    [Fact]
    public async Task A_page_of_100_items_reads_its_custom_fields_in_as_many_commands_as_a_page_of_2()
    {
        var admin = await app.SignInAsAdminAsync();
        var owner = await app.AdminIdAsync();
        var field = await CustomFieldsApp.FieldAsync(admin, "companies", "countTier", CustomFieldTypes.Text);
        await app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var companies = Enumerable.Range(0, 110).Select(i => new Company { Name = $"Countcf {i:000}", OwnerId = owner, CreatedAt = now, ModifiedAt = now, Version = 1 }).ToList();
            db.Companies.AddRange(companies);
            await db.SaveChangesAsync();
            db.Set<CustomFieldValue>().AddRange(companies.Select(c => new CustomFieldValue { Module = "companies", FieldId = field, RecordId = c.Id, TextValue = "T" + c.Name[^3..] }));
            return await db.SaveChangesAsync();
        });

        async Task<(int Commands, List<JsonElement> Items)> ListAsync(int size)
        {
            var before = app.Log.Lines.Count;
            var items = (await GetAsync(admin.Http, $"/api/v1/companies?search=Countcf&pageSize={size}")).GetProperty("items").EnumerateArray().ToList();
            var commands = app.Log.Lines.Skip(before)
                .Count(l => l.Category == "Microsoft.EntityFrameworkCore.Database.Command" && l.Message.Contains("\"CustomField", StringComparison.Ordinal));
            return (commands, items);
        }

        var small = await ListAsync(2);
        var large = await ListAsync(100);
        Assert.Equal(2, small.Items.Count);
        Assert.Equal(100, large.Items.Count);
        Assert.All(large.Items, i => Assert.Equal("T" + i.GetProperty("name").GetString()![^3..], i.GetProperty("customFields").GetProperty("countTier").GetString()));
        // The fields the caller may see, then the values of the whole page: the same commands for 2 items and for 100.
        Assert.InRange(large.Commands, 1, 2);
        Assert.Equal(small.Commands, large.Commands);
    }
}
