using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Access;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Companies;

public sealed class SharingAndFieldTests
{
    [Fact]
    public async Task A_shared_company_is_in_the_list_and_on_its_page_and_an_unshared_one_is_neither()
    {
        await using var app = new CrmApp();
        var own = await RoleAsync(app, "Own only", null, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        var ann = await UserAsync(app, "ann@crm.test", own);
        var bob = await UserAsync(app, "bob@crm.test", own);
        var shared = await CompanyAsync(app, "Shared Ltd", bob.Id, null);
        var secret = await CompanyAsync(app, "Secret Ltd", bob.Id, null);
        await app.InDatabaseAsync(db =>
        {
            db.RecordShares.Add(new Share { Module = CrmModules.Companies.Key, RecordId = shared, UserId = ann.Id, Access = ShareAccess.Read, CreatedAt = app.Clock.GetUtcNow().UtcDateTime });
            return db.SaveChangesAsync();
        });

        var client = await app.SignInAsync("ann@crm.test", Password);
        Assert.Equal(["Shared Ltd"], await (await client.Http.GetAsync("/api/v1/companies")).NamesAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/companies/{shared}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"/companies/{secret}")).StatusCode);
        // A read share does not allow editing.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PatchJsonAsync($"/api/v1/companies/{shared}", """{"name":"Mine now","version":1}""")).StatusCode);
    }

    [Fact]
    public async Task Export_leaves_out_the_fields_the_role_hides()
    {
        await using var app = new CrmApp();
        var role = await RoleAsync(app, "Discreet", null, AssignRecordsTo.AnyUser, Everything(Scope.All));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Companies.Key, Field = "phone", Access = FieldAccess.Hidden });
            return db.SaveChangesAsync();
        });
        var user = await UserAsync(app, "discreet@crm.test", role);
        await CompanyAsync(app, "Acme", user.Id, null);

        var client = await app.SignInAsync("discreet@crm.test", Password);
        var csv = (await (await client.Http.GetAsync("/api/v1/companies/export.csv")).Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        Assert.StartsWith("ID,Name,City,Country,Email,Website,Owner\r\n", csv, StringComparison.Ordinal);
    }
}
