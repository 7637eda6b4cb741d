using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;
using Kit = Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Products;

public sealed class ProductTests
{
    [Fact]
    public async Task Codes_are_unique_ignoring_case_and_prices_are_exact()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.PostJsonAsync("/api/v1/products", """{"code":"AB-1","name":"Anvil","price":"19.90","currency":"EUR","category":"Tools"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal("19.90", body.Text("price"));
        Assert.True(body.GetProperty("isActive").GetBoolean());
        var id = body.GetProperty("id").GetInt32();

        var duplicate = await admin.PostJsonAsync("/api/v1/products", """{"code":"ab-1","name":"Other","price":"1","currency":"EUR"}""");
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already has the code", string.Join(" ", await duplicate.FieldErrorsAsync("code")), StringComparison.Ordinal);
        foreach (var (json, field) in new[]
        {
            ("""{"code":"X","name":"x","price":"1.999","currency":"EUR"}""", "price"),
            ("""{"code":"X","name":"x","price":"-1","currency":"EUR"}""", "price"),
            ("""{"code":"X","name":"x","price":"1","currency":"EURO"}""", "currency"),
            ("""{"code":"","name":"x","price":"1","currency":"EUR"}""", "code"),
            ("""{"code":"X","name":"<img src=x>","price":"1","currency":"EUR"}""", "name"),
            ("""{"code":"X","name":"x","price":"1","currency":"EUR","isActive":"yes"}""", "isActive"),
        })
        {
            var refused = await admin.PostJsonAsync("/api/v1/products", json);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await ErrorFieldsAsync(refused));
        }

        // Its own code in another case is fine; a stale version is a conflict.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/products/{id}", """{"code":"ab-1","isActive":false,"version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PatchJsonAsync($"/api/v1/products/{id}", """{"name":"Late","version":1}""")).StatusCode);
        var inactive = await (await admin.Http.GetAsync("/api/v1/products?active=false")).ReadJsonAsync();
        Assert.Equal(["ab-1"], inactive.GetProperty("items").EnumerateArray().Select(i => i.Text("code")!));
        Assert.Equal((1, 1990L), await app.InDatabaseAsync(async db => (await db.Products.CountAsync(), await db.Products.Select(p => p.Price).SingleAsync())));

        // The page shows the same field error.
        var page = await admin.SubmitAsync("/products/new", new() { ["Input.Code"] = "AB-1", ["Input.Name"] = "Clash", ["Input.Price"] = "1" });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var document = await PageClient.ParseAsync(await page.Content.ReadAsStringAsync());
        Assert.Contains("already has the code", document.FieldError("Input.Code"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_scope_sees_exactly_its_products_and_others_are_not_found()
    {
        await using var app = new CrmApp();
        var ownRole = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var allRole = await RoleAsync(app, "All", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.All));
        var noneRole = await RoleAsync(app, "None", null, AssignRecordsTo.AnyUser);
        var own = await UserAsync(app, "own@crm.test", ownRole);
        var all = await UserAsync(app, "all@crm.test", allRole);
        await UserAsync(app, "none@crm.test", noneRole);
        var mine = await ProductAsync(app, "M-1", "Mine", own.Id, null);
        var theirs = await ProductAsync(app, "T-1", "Theirs", all.Id, null);

        foreach (var (email, visible) in new[] { ("own@crm.test", new[] { mine }), ("all@crm.test", new[] { mine, theirs }), ("none@crm.test", Array.Empty<int>()) })
        {
            var client = await app.SignInAsync(email, Password);
            Assert.Equal(visible, (await (await client.Http.GetAsync("/api/v1/products?sort=id")).IdsAsync()));
            foreach (var id in new[] { mine, theirs })
            {
                var status = visible.Contains(id) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                Assert.Equal(status, (await client.Http.GetAsync($"/products/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/products/{id}")).StatusCode);
                Assert.Equal(status, (await client.Http.GetAsync($"/api/v1/products/{id}/delete-impact")).StatusCode);
            }

            Assert.Equal(email == "none@crm.test" ? HttpStatusCode.Forbidden : HttpStatusCode.OK, (await client.Http.GetAsync("/api/v1/products/export.csv")).StatusCode);
        }

        Assert.Equal(["M-1 Mine"], await LookupAsync(app, own.Id, CrmModules.Products.Key, "m-1"));
        var allClient = await app.SignInAsync("all@crm.test", Password);
        var (_, confirm) = await allClient.GetPageAsync($"/products/{mine}/delete");
        Assert.Equal(HttpStatusCode.Redirect, (await allClient.SubmitAsync(confirm, new())).StatusCode);
        Assert.Equal([theirs], await app.InDatabaseAsync(db => db.Products.Select(p => p.Id).ToListAsync()));
    }
}
