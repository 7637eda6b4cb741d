using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;
using Everything = Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Deals;

public sealed class DealTests
{
    [Fact]
    public async Task Each_scope_sees_exactly_its_deals_through_list_page_api_lookup_export_and_delete_impact()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var north = await DepartmentAsync(app, "Sales North", sales);
        var support = await DepartmentAsync(app, "Support");
        var bossRole = await RoleAsync(app, "Boss", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.Subordinates));
        var workerRole = await RoleAsync(app, "Worker", bossRole, AssignRecordsTo.AnyUser, Everything.Everything(Scope.Own));
        var deptRole = await RoleAsync(app, "Dept", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.Department));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var worker = await UserAsync(app, "worker@crm.test", workerRole, north);
        var boss = await UserAsync(app, "boss@crm.test", bossRole, support);
        await UserAsync(app, "dept@crm.test", deptRole, sales);
        var all = await UserAsync(app, "all@crm.test", allRole, support);
        var none = await UserAsync(app, "none@crm.test", noneRole, sales);
        var ids = new Dictionary<string, int>
        {
            ["North deal"] = await DealAsync(app, "North deal", worker.Id, north),
            ["Boss deal"] = await DealAsync(app, "Boss deal", boss.Id, support),
            ["All deal"] = await DealAsync(app, "All deal", all.Id, support),
            ["Sales deal"] = await DealAsync(app, "Sales deal", none.Id, sales),
        };

        // Shares outside each one's scope: the sales deal with the worker (read), the all user's deal
        // with the boss (edit), the boss's deal with someone who is not in this test.
        var admin = await app.SignInAsAdminAsync();
        var other = await app.CreateUserAsync("other@crm.test", Password);
        var shares = new Dictionary<string, long>();
        foreach (var (title, with, access) in new[] { ("Sales deal", worker.Id, "read"), ("All deal", boss.Id, "edit"), ("Boss deal", other.Id, "read") })
        {
            var shared = await admin.PostJsonAsync($"/api/v1/deals/{ids[title]}/shares", $$"""{"userId":"{{with}}","access":"{{access}}"}""");
            Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
            shares[title] = (await shared.ReadJsonAsync()).GetProperty("id").GetInt64();
        }

        var sharedWith = new Dictionary<(string, string), string> { [("worker@crm.test", "Sales deal")] = "read", [("boss@crm.test", "All deal")] = "edit" };
        var expected = new Dictionary<string, (Guid Id, string[] Titles)>
        {
            ["worker@crm.test"] = (worker.Id, ["North deal", "Sales deal"]),
            ["boss@crm.test"] = (boss.Id, ["All deal", "Boss deal", "North deal"]),
            ["dept@crm.test"] = (Guid.Empty, ["North deal", "Sales deal"]),
            ["all@crm.test"] = (all.Id, ["All deal", "Boss deal", "North deal", "Sales deal"]),
            ["none@crm.test"] = (none.Id, []),
        };

        // A custom field value on each deal, and an admin-only one: what each user's answers carry of them.
        await FieldValueWitness.SetUpAsync(admin, "deals", ids);
        app.KeepAnswers();
        foreach (var (email, (userId, titles)) in expected)
        {
            var client = await app.SignInAsync(email, Password);
            var list = await (await client.Http.GetAsync("/api/v1/deals")).ReadJsonAsync();
            Assert.Equal(titles, list.GetProperty("items").EnumerateArray().Select(i => i.Text("title")!).Order(StringComparer.Ordinal));
            if (userId != Guid.Empty)
            {
                Assert.Equal(titles, await LookupAsync(app, userId, CrmModules.Deals.Key, "deal"));
            }

            foreach (var (title, id) in ids)
            {
                var status = titles.Contains(title) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                // A share grants what it says and no more: a read share no editing, no share deleting.
                var share = sharedWith.GetValueOrDefault((email, title));
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/deals/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/deals/{id}")).StatusCode);
                Assert.Equal(share == "read" ? HttpStatusCode.Forbidden : status, (await client.Http.GetAsync($"/deals/{id}/edit")).StatusCode);
                Assert.Equal(share is null ? status : HttpStatusCode.Forbidden, (await client.Http.GetAsync($"/deals/{id}/delete")).StatusCode);
                Assert.Equal(share is null ? status : HttpStatusCode.Forbidden, (await client.Http.GetAsync($"/api/v1/deals/{id}/delete-impact")).StatusCode);
                if (status == HttpStatusCode.NotFound)
                {
                    Assert.Equal(status, (await client.PatchJsonAsync($"/api/v1/deals/{id}", """{"title":"x","version":2}""")).StatusCode);
                    Assert.Equal(status, (await client.Http.DeleteAsync($"/api/v1/deals/{id}")).StatusCode);
                }
            }

            var page = await (await client.Http.GetAsync("/deals")).Content.ReadAsStringAsync();
            foreach (var title in ids.Keys)
            {
                Assert.Equal(titles.Contains(title), page.Contains(title, StringComparison.Ordinal));
            }

            var csv = await client.Http.GetAsync("/api/v1/deals/export.csv");
            if (email == "none@crm.test")
            {
                Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
            }
            else
            {
                var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(titles, lines.Skip(1).Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal));
            }

            FieldValueWitness.Check(email, app.TakeAnswers(), ids.Keys, titles);
        }

        // Removing a share bites on the boss's next request.
        var bossClient = await app.SignInAsync("boss@crm.test", Password);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/deals/{ids["All deal"]}/shares/{shares["All deal"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bossClient.Http.GetAsync($"/api/v1/deals/{ids["All deal"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bossClient.Http.GetAsync($"/deals/{ids["All deal"]}/edit")).StatusCode);
        Assert.Equal(["Boss deal", "North deal"], await LookupAsync(app, boss.Id, CrmModules.Deals.Key, "deal"));
        Assert.Equal(4, await app.InDatabaseAsync(db => db.Deals.CountAsync()));
    }

    [Fact]
    public async Task Money_is_exact_minor_units_and_bad_input_is_a_field_error_that_changes_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/deals", """{"title":"Big one","amount":"1234.50","currency":"eur","probability":40,"expectedClose":"2026-12-31"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("1234.50", body.Text("amount"));
        Assert.Equal("EUR", body.Text("currency"));
        Assert.Equal("new", body.Text("stage"));
        Assert.True(body.GetProperty("isOpen").GetBoolean());
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal(123450L, await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == id).Select(d => d.Amount).SingleAsync()));

        foreach (var (json, field) in new[]
        {
            ("""{"title":"x","amount":"12,50","currency":"EUR"}""", "amount"),
            ("""{"title":"x","amount":"-5","currency":"EUR"}""", "amount"),
            ("""{"title":"x","amount":"1.234","currency":"EUR"}""", "amount"),
            ("""{"title":"x","amount":"10.5","currency":"JPY"}""", "amount"),
            ("""{"title":"x","amount":"abc","currency":"EUR"}""", "amount"),
            ("""{"title":"x","amount":"10","currency":"XXX"}""", "currency"),
            ("""{"title":"<script>alert(1)</script>","amount":"10","currency":"EUR"}""", "title"),
            ("""{"title":"x","amount":"10","currency":"EUR","companyId":999999}""", "companyId"),
            ("""{"title":"x","amount":"10","currency":"EUR","contactId":999999}""", "contactId"),
            ("""{"title":"x","amount":"10","currency":"EUR","stage":"won"}""", "closingReason"),
            ("""{"title":"x","amount":"10","currency":"EUR","stage":"sold"}""", "stage"),
            ("""{"title":"x","amount":"10","currency":"EUR","probability":101}""", "probability"),
            ("""{"title":"x","amount":"10","currency":"EUR","expectedClose":"31.12.2026"}""", "expectedClose"),
        })
        {
            var refused = await admin.PostJsonAsync("/api/v1/deals", json);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await ErrorFieldsAsync(refused));
        }

        // Switching to a currency without decimals keeps the amount only if it fits.
        var patch = await admin.PatchJsonAsync($"/api/v1/deals/{id}", """{"currency":"JPY","version":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Contains("JPY has no decimals", string.Join(" ", await patch.FieldErrorsAsync("amount")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/deals?cursor=not-a-cursor")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.GetAsync("/api/v1/deals?sort=size")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Deals.CountAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == id).Select(d => d.Version).SingleAsync()));
    }

    [Fact]
    public async Task The_contact_must_work_for_the_company_a_won_deal_needs_its_reason_and_a_stale_version_is_a_conflict()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var acme = await CompanyAsync(app, "Acme", adminId, null);
        var globex = await CompanyAsync(app, "Globex", adminId, null);
        var ann = await ContactAsync(app, "Ann", "Acme", acme, adminId, null);

        var wrong = await admin.PostJsonAsync("/api/v1/deals", $$"""{"title":"Mixed","amount":"1","currency":"EUR","companyId":{{globex}},"contactId":{{ann}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains($"does not work for company ID {globex}", string.Join(" ", await wrong.FieldErrorsAsync("contactId")), StringComparison.Ordinal);

        var right = await (await admin.PostJsonAsync("/api/v1/deals", $$"""{"title":"Fine","amount":"1","currency":"EUR","companyId":{{acme}},"contactId":{{ann}}}""")).ReadJsonAsync();
        var id = right.GetProperty("id").GetInt32();
        Assert.Equal("Ann Acme", right.Text("contactName"));

        var won = await admin.PatchJsonAsync($"/api/v1/deals/{id}", """{"stage":"won","version":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, won.StatusCode);
        Assert.NotEmpty(await won.FieldErrorsAsync("closingReason"));
        var ok = await (await admin.PatchJsonAsync($"/api/v1/deals/{id}", """{"stage":"won","closingReason":"Best price","version":1}""")).ReadJsonAsync();
        Assert.False(ok.GetProperty("isOpen").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PatchJsonAsync($"/api/v1/deals/{id}", """{"title":"Late","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PatchJsonAsync($"/api/v1/deals/{id}", """{"title":"No version"}""")).StatusCode);
        Assert.Equal("Fine", await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == id).Select(d => d.Title).SingleAsync()));

        // Open filter.
        await DealAsync(app, "Still open", adminId, null);
        var open = await (await admin.Http.GetAsync("/api/v1/deals?open=true")).ReadJsonAsync();
        Assert.Equal(["Still open"], open.GetProperty("items").EnumerateArray().Select(i => i.Text("title")!));

        // Deleting the contact keeps the deal and clears its contact.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/contacts/{ann}")).StatusCode);
        Assert.Null(await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == id).Select(d => d.ContactId).SingleAsync()));
    }

    [Fact]
    public async Task A_hidden_amount_is_left_out_everywhere_and_a_read_only_one_cannot_be_changed()
    {
        await using var app = new CrmApp();
        var hiddenRole = await RoleAsync(app, "Discreet", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.All));
        var readOnlyRole = await RoleAsync(app, "Careful", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.All));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = hiddenRole, Module = CrmModules.Deals.Key, Field = "amount", Access = FieldAccess.Hidden });
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = readOnlyRole, Module = CrmModules.Deals.Key, Field = "amount", Access = FieldAccess.ReadOnly });
            return db.SaveChangesAsync();
        });
        var hider = await UserAsync(app, "hidden@crm.test", hiddenRole);
        await UserAsync(app, "readonly@crm.test", readOnlyRole);
        var id = await DealAsync(app, "Secret size", hider.Id, null, amount: 987654, currency: "USD");

        var hidden = await app.SignInAsync("hidden@crm.test", Password);
        var one = await (await hidden.Http.GetAsync($"/api/v1/deals/{id}")).ReadJsonAsync();
        Assert.False(one.TryGetProperty("amount", out _));
        Assert.False(one.TryGetProperty("currency", out _));
        var listed = await (await hidden.Http.GetAsync("/api/v1/deals")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("9876.54", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("USD", listed, StringComparison.Ordinal);
        foreach (var url in new[] { $"/deals/{id}", "/deals", $"/deals/{id}/edit" })
        {
            var html = await (await hidden.Http.GetAsync(url)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("9876.54", html, StringComparison.Ordinal);
            Assert.DoesNotContain("9,876.54", html, StringComparison.Ordinal);
            Assert.DoesNotContain("USD", html, StringComparison.Ordinal);
        }

        var csv = (await (await hidden.Http.GetAsync("/api/v1/deals/export.csv")).Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("ID,Title,Company,Stage,Probability,Expected close,Owner\r\n", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("9876.54", csv, StringComparison.Ordinal);
        var xlsx = await Crm.Tests.Records.ExportKit.ExportAsync(hidden, "/api/v1/deals/export", "xlsx");
        Assert.Equal(["ID", "Title", "Company", "Stage", "Probability", "Expected close", "Owner"], xlsx.Headers);
        Assert.DoesNotContain(xlsx.Rows.SelectMany(r => r), c => c.Contains("9876", StringComparison.Ordinal) || c == "USD");
        Assert.Equal(HttpStatusCode.BadRequest, (await hidden.Http.GetAsync("/api/v1/deals?sort=amount")).StatusCode);
        var sneaky = await hidden.PatchJsonAsync($"/api/v1/deals/{id}", """{"amount":"1.00","version":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, sneaky.StatusCode);
        Assert.Equal([SaveDeal.AmountLocked], await sneaky.FieldErrorsAsync("amount"));
        // Other fields can still be edited through the page, which keeps the amount it never showed.
        var saved = await hidden.SubmitAsync($"/deals/{id}/edit", new() { ["Input.Title"] = "Renamed" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var careful = await app.SignInAsync("readonly@crm.test", Password);
        var seen = await (await careful.Http.GetAsync($"/api/v1/deals/{id}")).ReadJsonAsync();
        Assert.Equal("9876.54", seen.Text("amount"));
        var refused = await careful.PatchJsonAsync($"/api/v1/deals/{id}", """{"amount":"1.00","version":2}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([SaveDeal.AmountLocked], await refused.FieldErrorsAsync("amount"));
        Assert.Equal(HttpStatusCode.OK, (await careful.PatchJsonAsync($"/api/v1/deals/{id}", """{"amount":"9876.54","probability":50,"version":2}""")).StatusCode);
        var stored = await app.InDatabaseAsync(db => db.Deals.SingleAsync(d => d.Id == id));
        Assert.Equal((987654L, "USD", "Renamed"), (stored.Amount, stored.Currency, stored.Title));
    }

    [Fact]
    public async Task Deleting_a_company_lists_its_deals_and_their_emails_and_deletes_them_with_it()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var doomed = await CompanyAsync(app, "Doomed", adminId, null);
        var kept = await CompanyAsync(app, "Kept", adminId, null);
        var deal = await DealAsync(app, "Doomed deal", adminId, null, doomed);
        var keptDeal = await DealAsync(app, "Kept deal", adminId, null, kept);
        var email = await EmailAsync(app, "About the doomed deal", adminId, null, CrmModules.Deals.Key, deal);

        var impact = await (await admin.Http.GetAsync($"/api/v1/companies/{doomed}/delete-impact")).ReadJsonAsync();
        var also = impact.GetProperty("alsoDeleted").EnumerateArray().Select(a => $"{a.Text("module")}:{a.GetProperty("id").GetInt32()}").ToList();
        Assert.Equal([$"deals:{deal}", $"emails:{email}"], also);
        var (_, page) = await admin.GetPageAsync($"/companies/{doomed}/delete");
        Assert.Contains("Doomed deal", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("About the doomed deal", page.Body!.TextContent, StringComparison.Ordinal);
        var deleted = await admin.SubmitAsync(page, new());
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal([keptDeal], await app.InDatabaseAsync(db => db.Deals.Select(d => d.Id).ToListAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.LoggedEmails.CountAsync()));
    }

    [Fact]
    public async Task Transferring_companies_with_open_deals_moves_only_the_open_ones_tracked()
    {
        await using var app = new CrmApp();
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        var role = await RoleAsync(app, "Chief", null, AssignRecordsTo.AnyUser, Everything.Everything(Scope.All));
        var from = await UserAsync(app, "from@crm.test", role, sales);
        var to = await UserAsync(app, "to@crm.test", role, support);
        var acme = await CompanyAsync(app, "Acme", from.Id, sales);
        var other = await CompanyAsync(app, "Other", from.Id, sales);
        var open = await DealAsync(app, "Open", from.Id, sales, acme, stage: DealStages.Proposal);
        var won = await DealAsync(app, "Won", from.Id, sales, acme, stage: DealStages.Won);
        var otherDeal = await DealAsync(app, "Other open", from.Id, sales, other);

        var client = await app.SignInAsync("from@crm.test", Password);
        // Without the option the deals stay.
        var plain = await client.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{acme}}],"newOwnerId":"{{to.Id}}"}""");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(from.Id, await app.InDatabaseAsync(db => db.Deals.Where(d => d.Id == open).Select(d => d.OwnerId).SingleAsync()));

        // Back, then with the list's checkbox.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/api/v1/companies/transfer", $$"""{"companyIds":[{{acme}}],"newOwnerId":"{{from.Id}}"}""")).StatusCode);
        var (_, list) = await client.GetPageAsync("/companies");
        var response = await client.SubmitAsync(list, new() { ["Selected"] = acme.ToString(System.Globalization.CultureInfo.InvariantCulture), ["NewOwnerId"] = to.Id.ToString(), ["OpenDeals"] = "true" },
            "main form[method=post]");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("1 open deal transferred", Uri.UnescapeDataString(response.Headers.Location!.ToString()), StringComparison.Ordinal);
        var deals = await app.InDatabaseAsync(db => db.Deals.OrderBy(d => d.Id).Select(d => new { d.Id, d.OwnerId, d.DepartmentId, d.Version }).ToListAsync());
        Assert.Equal((to.Id, support, 2), deals.Where(d => d.Id == open).Select(d => (d.OwnerId, d.DepartmentId, d.Version)).Single());
        Assert.Equal((from.Id, sales, 1), deals.Where(d => d.Id == won).Select(d => (d.OwnerId, d.DepartmentId, d.Version)).Single());
        Assert.Equal(from.Id, deals.Single(d => d.Id == otherDeal).OwnerId);
    }
}
