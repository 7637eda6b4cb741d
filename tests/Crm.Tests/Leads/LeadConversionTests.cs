using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Leads;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;
using Kit = Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Leads;

public sealed class LeadConversionTests
{
    private static Task<(int Companies, int Contacts, int Deals)> CountsAsync(CrmApp app) =>
        app.InDatabaseAsync(async db => (await db.Companies.CountAsync(), await db.Contacts.CountAsync(), await db.Deals.CountAsync()));

    [Fact]
    public async Task Converting_creates_exactly_a_contact_a_new_company_and_a_deal_and_the_lead_keeps_links_to_them()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var role = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", role, sales);
        var lead = await LeadAsync(app, "Lena", "Lead", "Lead Industries", agent.Id, sales, "lena@lead.example");
        var client = await app.SignInAsync("agent@crm.test", Password);

        var response = await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"createDeal":true,"dealTitle":"First order","dealAmount":"2500.00","dealCurrency":"EUR","version":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await response.ReadJsonAsync();
        Assert.True(done.GetProperty("companyCreated").GetBoolean());
        var (contactId, companyId, dealId) = (done.GetProperty("contactId").GetInt32(), done.GetProperty("companyId").GetInt32(), done.GetProperty("dealId").GetInt32());
        Assert.Equal((1, 1, 1), await CountsAsync(app));
        var contact = await app.InDatabaseAsync(db => db.Contacts.SingleAsync());
        Assert.Equal(("Lena", "Lead", "lena@lead.example", (int?)companyId, agent.Id, (int?)sales), (contact.FirstName, contact.LastName, contact.Email, contact.CompanyId, contact.OwnerId, contact.DepartmentId));
        var deal = await app.InDatabaseAsync(db => db.Deals.SingleAsync());
        Assert.Equal(("First order", 250000L, (int?)companyId, (int?)contactId), (deal.Title, deal.Amount, deal.CompanyId, deal.ContactId));
        Assert.Equal("Lead Industries", await app.InDatabaseAsync(db => db.Companies.Select(c => c.Name).SingleAsync()));

        var read = await (await client.Http.GetAsync($"/api/v1/leads/{lead}")).ReadJsonAsync();
        Assert.Equal("converted", read.Text("status"));
        Assert.Equal(contactId, read.GetProperty("convertedContact").GetProperty("id").GetInt32());
        Assert.Equal("Lead Industries", read.GetProperty("convertedCompany").Text("name"));
        Assert.Equal("First order", read.GetProperty("convertedDeal").Text("name"));
        var (_, page) = await client.GetPageAsync($"/leads/{lead}");
        var links = page.QuerySelectorAll(".converted-links a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([$"/contacts/{contactId}", $"/companies/{companyId}", $"/deals/{dealId}"], links);
        Assert.Null(page.QuerySelector($"a[href='/leads/{lead}/edit']"));

        // Converted is final: neither a second conversion nor an edit, with a clear message.
        var again = await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"version":2}""");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("can no longer be edited or converted again", (await again.ReadJsonAsync()).Text("title"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PatchJsonAsync($"/api/v1/leads/{lead}", """{"notes":"x","version":2}""")).StatusCode);
        var (_, edit) = await client.GetPageAsync($"/leads/{lead}/edit");
        Assert.Contains("can no longer be edited", edit.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(edit.QuerySelector("main form"));
        Assert.Equal((1, 1, 1), await CountsAsync(app));
    }

    [Fact]
    public async Task The_lead_page_says_when_it_was_converted_in_the_readers_time_zone()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var role = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", role, sales);
        await app.InDatabaseAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == agent.Id)).TimeZone = "Asia/Tokyo";
            return await db.SaveChangesAsync();
        });
        var lead = await LeadAsync(app, "Lena", "Lead", "Lead Industries", agent.Id, sales, "lena@lead.example");
        var client = await app.SignInAsync("agent@crm.test", Password);
        app.Clock.Advance(TimeSpan.FromHours(6)); // 15:00 UTC: already the next day in Tokyo

        var response = await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"createDeal":false,"version":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal(new DateTime(2026, 11, 22, 15, 0, 0, DateTimeKind.Utc), await app.InDatabaseAsync(db => db.Leads.Where(l => l.Id == lead).Select(l => l.ConvertedAt).SingleAsync()));
        var (_, page) = await client.GetPageAsync($"/leads/{lead}");
        Assert.Equal("Converted 2026-11-23 00:00 into", page.QuerySelector("#converted-into")!.TextContent.Trim());

        // The administrator keeps the organisation's default (UTC) and reads the same moment so.
        var admin = await app.SignInAsAdminAsync();
        var (_, adminPage) = await admin.GetPageAsync($"/leads/{lead}");
        Assert.Equal("Converted 2026-11-22 15:00 into", adminPage.QuerySelector("#converted-into")!.TextContent.Trim());
    }

    [Fact]
    public async Task Converting_onto_an_existing_company_needs_one_the_user_may_see_and_a_failure_creates_nothing()
    {
        await using var app = new CrmApp();
        var role = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", role);
        var other = await UserAsync(app, "other@crm.test", role);
        var mine = await CompanyAsync(app, "Mine Ltd", agent.Id, null);
        var theirs = await CompanyAsync(app, "Theirs Ltd", other.Id, null);
        var lead = await LeadAsync(app, "Max", "Mustermann", null, agent.Id, null);
        var client = await app.SignInAsync("agent@crm.test", Password);
        var before = await CountsAsync(app);

        foreach (var (json, field) in new[]
        {
            ($$"""{"existingCompanyId":{{theirs}},"version":1}""", "existingCompanyId"),
            ("""{"version":1}""", "existingCompanyId"),
            ($$"""{"existingCompanyId":{{mine}},"createDeal":true,"dealTitle":"Deal","dealAmount":"12.345","dealCurrency":"EUR","version":1}""", "dealAmount"),
            ($$"""{"existingCompanyId":{{mine}},"createDeal":true,"dealTitle":"Deal","dealAmount":"-1","dealCurrency":"EUR","version":1}""", "dealAmount"),
            ($$"""{"existingCompanyId":{{mine}},"createDeal":true,"dealTitle":"","dealAmount":"1","dealCurrency":"EUR","version":1}""", "dealTitle"),
            ($$"""{"existingCompanyId":{{mine}},"version":"one"}""", "version"),
        })
        {
            var refused = await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", json);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await ErrorFieldsAsync(refused));
        }

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", $$"""{"existingCompanyId":{{mine}},"version":7}""")).StatusCode);
        Assert.Equal(before, await CountsAsync(app));
        Assert.Equal(LeadStatuses.Qualified, await app.InDatabaseAsync(db => db.Leads.Select(l => l.Status).SingleAsync()));

        // Through the page: an existing company, no deal.
        var response = await client.SubmitAsync($"/leads/{lead}/convert", new()
        {
            ["Input.CompanyChoice"] = "existing", ["Input.ExistingCompanyId"] = mine.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.CreateDeal"] = "false",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal((before.Companies, before.Contacts + 1, 0), await CountsAsync(app));
        Assert.Equal((int?)mine, await app.InDatabaseAsync(db => db.Leads.Select(l => l.ConvertedCompanyId).SingleAsync()));
    }

    [Fact]
    public async Task Converting_needs_edit_on_the_lead_and_create_on_each_module_it_creates_records_in()
    {
        await using var app = new CrmApp();
        var noDeals = await RoleAsync(app, "No deals", null, AssignRecordsTo.AnyUser,
            [.. Kit.Everything(Scope.All).Where(g => !(g.Item1 == CrmModules.Deals.Key && g.Item2 == PermissionAction.Create))]);
        var viewer = await RoleAsync(app, "Viewer", null, AssignRecordsTo.AnyUser, (CrmModules.Leads.Key, PermissionAction.View, Scope.All));
        var seller = await UserAsync(app, "seller@crm.test", noDeals);
        await UserAsync(app, "viewer@crm.test", viewer);
        var lead = await LeadAsync(app, "Pat", "Prospect", "Prospect plc", seller.Id, null);
        var hidden = await LeadAsync(app, "Hid", "Den", "Hidden plc", seller.Id, null);

        var client = await app.SignInAsync("seller@crm.test", Password);
        var refused = await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"createDeal":true,"dealTitle":"D","dealAmount":"1","dealCurrency":"EUR","version":1}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("deals", (await refused.ReadJsonAsync()).Text("title"), StringComparison.Ordinal);

        var looker = await app.SignInAsync("viewer@crm.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await looker.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await looker.Http.GetAsync($"/leads/{lead}/convert")).StatusCode);
        Assert.Equal((0, 0, 0), await CountsAsync(app));

        // Without a deal the seller may convert.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/v1/leads/{lead}/convert", """{"version":1}""")).StatusCode);
        Assert.Equal((1, 1, 0), await CountsAsync(app));

        // Outside the view scope: 404 on every path.
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        await UserAsync(app, "none@crm.test", noneRole);
        var none = await app.SignInAsync("none@crm.test", Password);
        foreach (var url in new[] { $"/leads/{hidden}", $"/leads/{hidden}/edit", $"/leads/{hidden}/convert", $"/leads/{hidden}/delete", $"/api/v1/leads/{hidden}", $"/api/v1/leads/{hidden}/delete-impact" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await none.Http.GetAsync(url)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await none.PostJsonAsync($"/api/v1/leads/{hidden}/convert", """{"version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await none.Http.GetAsync("/leads")).StatusCode);
        Assert.Equal(0, (await (await none.Http.GetAsync("/api/v1/leads")).ReadJsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Leads_are_validated_listed_searched_and_paged()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/leads", """{"firstName":"Ada","lastName":"Lovelace","companyName":"Engines","email":"ada@engines.example","source":"event"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        foreach (var (json, field) in new[]
        {
            ("""{"firstName":"","lastName":"X"}""", "firstName"),
            ("""{"firstName":"A","lastName":"<b>X</b>"}""", "lastName"),
            ("""{"firstName":"A","lastName":"X","email":"not-an-address"}""", "email"),
            ("""{"firstName":"A","lastName":"X","source":"tv"}""", "source"),
            ("""{"firstName":"A","lastName":"X","status":"converted"}""", "status"),
        })
        {
            var refused = await admin.PostJsonAsync("/api/v1/leads", json);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await ErrorFieldsAsync(refused));
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/leads", $$"""{"firstName":"P{{i}}","lastName":"Same"}""")).StatusCode);
        }

        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var page = await (await admin.Http.GetAsync("/api/v1/leads?pageSize=2" + (cursor is null ? "" : "&cursor=" + cursor))).ReadJsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
            cursor = page.Text("nextCursor");
        }
        while (cursor is not null);
        Assert.Equal(5, seen.Distinct().Count());
        var found = await (await admin.Http.GetAsync("/api/v1/leads?search=ENGINES")).ReadJsonAsync();
        Assert.Equal(["Ada"], found.GetProperty("items").EnumerateArray().Select(i => i.Text("firstName")!));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/leads?cursor=%%%")).StatusCode);
        Assert.Equal(5, await app.InDatabaseAsync(db => db.Leads.CountAsync()));
    }
}
