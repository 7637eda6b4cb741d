using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Sharing;

/// <summary>
/// Sharing one record (issue 29): a share with a user, a group, a role (alone or with the roles
/// below it) or a department opens the record on every path to exactly the people it reaches, read
/// only or read-write; removing it, or its end passing, closes it on the next request; the record's
/// history and sharing page say so; the preview names who would gain access; bad input changes nothing.
/// </summary>
[Slow]
public sealed class RecordSharingTests
{
    public static TheoryData<string, string[]> Targets => new()
    {
        { "user ann", ["ann"] },
        { "group Key accounts", ["ann", "cid"] },
        { "role Agent", ["ann"] },
        { "role Lead", ["bob"] },
        { "role Lead and below", ["ann", "bob"] },
        // A department share reaches its members and the heads of the departments above it.
        { "department Support desk", ["ann", "bob"] },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_share_opens_the_record_on_every_path_to_exactly_those_it_reaches_until_it_is_removed(string target, string[] reached)
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var deal = await ObjectKit.DealAsync(app, "Sharedeal", org.Owner, org.Sales);
        var owner = await app.SignInAsync("owner@crm.test", Password);
        var clients = new Dictionary<string, PageClient>();
        foreach (var person in SharingOrg.People)
        {
            clients[person] = await app.SignInAsync($"{person}@crm.test", Password);
        }

        // The preview names exactly who would gain access, and saves nothing.
        var preview = await owner.PostJsonAsync($"/api/v1/deals/{deal}/shares?dryRun=true", $$"""{{{org.TargetJson(target)}},"access":"read"}""");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var changes = (await preview.ReadJsonAsync()).GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(reached.Order(StringComparer.Ordinal), changes.Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(changes, c => Assert.Equal(("none", "view"), (c.GetProperty("before").GetString(), c.GetProperty("after").GetString())));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.RecordShares.CountAsync()));

        // Shared through the record's own page, as the owner would.
        var shared = await owner.SubmitAsync($"/sharing/deals/{deal}", new() { ["ShareWith"] = org.Choice(target), ["Access"] = "read" }, "#share-form");
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);

        foreach (var person in SharingOrg.People)
        {
            var sees = reached.Contains(person);
            await SharedPaths.AssertSeesAsync(clients[person], $"{person} ({target})", deal, "Sharedeal", sees);
            await SharedPaths.AssertChangesAsync(clients[person], $"{person} ({target})", deal, sees, edits: false);
        }

        // The owner's sharing page lists the share and, for each person reached, the share as the reason.
        var (_, sharing) = await owner.GetPageAsync($"/sharing/deals/{deal}");
        Assert.Single(sharing.QuerySelectorAll("#shares tbody tr"));
        var holders = sharing.QuerySelectorAll("#access tbody tr").Select(r => r.QuerySelector("td")!.TextContent).ToList();
        Assert.Equal(reached.Append("owner").Order(StringComparer.Ordinal), holders.Where(h => h != "Administrator").Order(StringComparer.Ordinal));
        Assert.All(reached, person => Assert.Contains("is shared for read with",
            sharing.QuerySelectorAll("#access tbody tr").Single(r => r.QuerySelector("td")!.TextContent == person).TextContent, StringComparison.Ordinal));

        // The record's history says with whom it was shared.
        var history = await owner.Http.GetStringAsync($"/history/deals/{deal}");
        Assert.Contains("shared", history, StringComparison.Ordinal);
        var shareId = await app.InDatabaseAsync(db => db.RecordShares.Select(s => s.Id).SingleAsync());

        // Removed through the API: it bites on everyone's next request.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/v1/deals/{deal}/shares/{shareId}")).StatusCode);
        foreach (var person in reached)
        {
            await SharedPaths.AssertSeesAsync(clients[person], $"{person} after removal", deal, "Sharedeal", sees: false);
        }

        Assert.Contains("unshared", await owner.Http.GetStringAsync($"/history/deals/{deal}"), StringComparison.Ordinal);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Deals.CountAsync(d => d.Version == 1)));
    }

    [Fact]
    public async Task An_edit_share_allows_editing_but_not_deleting_and_ends_when_its_end_passes()
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var deal = await ObjectKit.DealAsync(app, "Sharedeal", org.Owner, org.Sales);
        var owner = await app.SignInAsync("owner@crm.test", Password);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        var ends = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(10).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var created = await owner.PostJsonAsync($"/api/v1/deals/{deal}/shares", $$"""{"userId":"{{org.Ann}}","access":"edit","endsAt":"{{ends}}"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var share = await created.ReadJsonAsync();
        Assert.Equal("user 'ann'", share.GetProperty("targetName").GetString());

        await SharedPaths.AssertChangesAsync(ann, "ann (edit share)", deal, sees: true, edits: true);
        var patched = await ann.PatchJsonAsync($"/api/v1/deals/{deal}", """{"title":"Sharedeal renamed","version":1}""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        // Sharing with oneself is refused, whoever asks.
        var self = await ann.PostJsonAsync($"/api/v1/deals/{deal}/shares", $$"""{"userId":"{{org.Ann}}","access":"read"}""");
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await SharedPaths.AssertSeesAsync(ann, "ann after the end", deal, "Sharedeal renamed", sees: false);
        var list = await (await owner.Http.GetAsync($"/api/v1/deals/{deal}/shares")).ReadJsonAsync();
        Assert.True(list.GetProperty("shares")[0].GetProperty("ended").GetBoolean());
    }

    [Fact]
    public async Task Every_object_module_shares_through_the_same_endpoint()
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var records = new Dictionary<string, int>
        {
            [CrmModules.Companies.Key] = await CompanyAsync(app, "Sharedco", org.Owner, org.Sales),
            [CrmModules.Contacts.Key] = await ContactAsync(app, "Shared", "Contact", null, org.Owner, org.Sales),
            [CrmModules.Leads.Key] = await ObjectKit.LeadAsync(app, "Shared", "Lead", null, org.Owner, org.Sales),
            [CrmModules.Deals.Key] = await ObjectKit.DealAsync(app, "Shareddeal", org.Owner, org.Sales),
            [CrmModules.Products.Key] = await ObjectKit.ProductAsync(app, "P-SH", "Shared product", org.Owner, org.Sales),
            [CrmModules.Emails.Key] = await ObjectKit.EmailAsync(app, "Shared email", org.Owner, org.Sales),
        };
        var admin = await app.SignInAsAdminAsync();
        var upload = await admin.UploadAsync(CrmModules.Deals.Key, records[CrmModules.Deals.Key], "shared.txt", "content"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var file = (await upload.ReadJsonAsync()).GetProperty("id").GetInt32();
        await app.InDatabaseAsync(async db =>
        {
            var row = await db.FileObjects.SingleAsync(f => f.Id == file);
            (row.OwnerId, row.DepartmentId) = (org.Owner, org.Sales);
            return await db.SaveChangesAsync();
        });

        var owner = await app.SignInAsync("owner@crm.test", Password);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        // The deal first: its file is seen only where the deal is.
        foreach (var (module, id) in records.Append(new(CrmModules.Files.Key, file)))
        {
            var url = module == CrmModules.Files.Key ? $"/api/v1/files/{id}" : $"/api/v1/{module}/{id}";
            Assert.True((await ann.Http.GetAsync(url)).StatusCode == HttpStatusCode.NotFound, $"{module} before");
            var created = await owner.PostJsonAsync($"/api/v1/{module}/{id}/shares", $$"""{"userId":"{{org.Ann}}","access":"read"}""");
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{module}: {created.StatusCode}");
            Assert.True((await ann.Http.GetAsync(url)).StatusCode == HttpStatusCode.OK, $"{module} shared");
        }

        // The deal's file list shows the shared file to ann.
        Assert.Equal([file], await Records.ExportKit.ListIdsAsync(ann, $"/api/v1/files?module=deals&id={records[CrmModules.Deals.Key]}"));

        foreach (var (module, id) in records)
        {
            var shareId = (await (await owner.Http.GetAsync($"/api/v1/{module}/{id}/shares")).ReadJsonAsync()).GetProperty("shares")[0].GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/api/v1/{module}/{id}/shares/{shareId}")).StatusCode);
            Assert.True((await ann.Http.GetAsync($"/api/v1/{module}/{id}")).StatusCode == HttpStatusCode.NotFound, $"{module} after removal");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync("/api/v1/no-such-module/1/shares")).StatusCode);
    }

    [Fact]
    public async Task Bad_shares_and_rules_are_refused_field_by_field_and_change_nothing()
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var deal = await ObjectKit.DealAsync(app, "Sharedeal", org.Owner, org.Sales);
        var owner = await app.SignInAsync("owner@crm.test", Password);
        var ann = await app.SignInAsync("ann@crm.test", Password);
        var dan = await app.SignInAsync("dan@crm.test", Password);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostJsonAsync($"/api/v1/deals/{deal}/shares", $$"""{"userId":"{{org.Ann}}","access":"read"}""")).StatusCode);
        var past = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var cases = new (PageClient Client, string Body, HttpStatusCode Status, string? Field, string? Says)[]
        {
            (owner, $$"""{"userId":"{{org.Owner}}","access":"read"}""", HttpStatusCode.BadRequest, "userId", "yourself"),
            (owner, """{"groupId":999999,"access":"read"}""", HttpStatusCode.BadRequest, "groupId", "no group"),
            (owner, """{"roleId":999999,"access":"read"}""", HttpStatusCode.BadRequest, "roleId", "no role"),
            (owner, $$"""{"userId":"{{Guid.NewGuid()}}","access":"read"}""", HttpStatusCode.BadRequest, "userId", "no active user"),
            (owner, $$"""{"departmentId":{{org.Support}},"access":"read","endsAt":"{{past}}"}""", HttpStatusCode.BadRequest, "endsAt", "future"),
            (owner, """{"access":"read"}""", HttpStatusCode.BadRequest, "target", "Choose whom"),
            (owner, $$"""{"groupId":{{org.KeyAccounts}},"departmentId":{{org.Support}},"access":"read"}""", HttpStatusCode.BadRequest, "target", "one target"),
            (owner, $$"""{"groupId":{{org.KeyAccounts}},"access":"write"}""", HttpStatusCode.BadRequest, "access", "read or edit"),
            (owner, $$"""{"groupId":{{org.KeyAccounts}},"withSubordinates":true,"access":"read"}""", HttpStatusCode.BadRequest, "withSubordinates", "role"),
            // Ann sees the deal (read share) but may not edit it: she may not share it.
            (ann, $$"""{"userId":"{{org.Bob}}","access":"read"}""", HttpStatusCode.Forbidden, null, null),
            // Dan cannot even see it: the same 404 as a missing record.
            (dan, $$"""{"userId":"{{org.Bob}}","access":"read"}""", HttpStatusCode.NotFound, null, null),
        };
        foreach (var (client, body, status, field, says) in cases)
        {
            var response = await client.PostJsonAsync($"/api/v1/deals/{deal}/shares", body);
            Assert.True(status == response.StatusCode, $"{body}: {response.StatusCode}");
            if (field is not null)
            {
                Assert.Contains(await response.FieldErrorsAsync(field), m => m.Contains(says!, StringComparison.Ordinal));
            }
        }

        // The page names the problem beside its field.
        var page = await owner.SubmitAsync($"/sharing/deals/{deal}", new() { ["ShareWith"] = $"user:{org.Owner}", ["Access"] = "read" }, "#share-form");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("You cannot share a record with yourself.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Nor may she remove the share she holds.
        var held = await app.InDatabaseAsync(db => db.RecordShares.Select(s => s.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.Http.DeleteAsync($"/api/v1/deals/{deal}/shares/{held}")).StatusCode);

        // Sharing rules: from a group to itself, and by someone who is not an administrator.
        var admin = await app.SignInAsAdminAsync();
        var itself = await admin.PostJsonAsync("/api/v1/access/sharing-rules",
            $$"""{"module":"deals","fromGroupId":{{org.Sellers}},"toGroupId":{{org.Sellers}},"access":"read"}""");
        Assert.Equal(HttpStatusCode.BadRequest, itself.StatusCode);
        Assert.Contains(await itself.FieldErrorsAsync("to"), m => m.Contains("must differ", StringComparison.Ordinal));
        var noModule = await admin.PostJsonAsync("/api/v1/access/sharing-rules",
            $$"""{"module":"countries","fromGroupId":{{org.Sellers}},"toGroupId":{{org.KeyAccounts}},"access":"read"}""");
        Assert.NotEmpty(await noModule.FieldErrorsAsync("module"));
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostJsonAsync("/api/v1/access/sharing-rules",
            $$"""{"module":"deals","fromGroupId":{{org.Sellers}},"toGroupId":{{org.KeyAccounts}},"access":"read"}""")).StatusCode);

        Assert.Equal(1, await app.InDatabaseAsync(db => db.RecordShares.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.SharingRules.CountAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Deals.CountAsync(d => d.Version == 1)));
    }
}
