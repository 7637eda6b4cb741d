using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Companies;

/// <summary>A company's country is matched against the country list; an unmatched value is kept and reported once.</summary>
public sealed class CompanyCountryTests
{
    [Fact]
    public async Task Country_values_are_matched_kept_when_unmatched_and_reported_once()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var usId = await app.InDatabaseAsync(db => db.Countries.Where(c => c.Alpha2 == "US").Select(c => c.Id).SingleAsync());

        var usa = await (await admin.Http.PostAsJsonAsync("/api/v1/companies", new { name = "Yankee Ltd", countryName = "u.s.a." })).ReadJsonAsync();
        Assert.Equal(usId, usa.GetProperty("countryId").GetInt32());
        Assert.Equal("United States", usa.Text("country"));
        Assert.Equal("u.s.a.", usa.Text("countryName"));

        // Unmatched: the write succeeds, the value is kept, the country stays empty.
        for (var i = 0; i < 2; i++)
        {
            var created = await admin.Http.PostAsJsonAsync("/api/v1/companies", new { name = $"Faun Trading {i}", countryName = "Narnia" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var narnia = await created.ReadJsonAsync();
            Assert.Equal(System.Text.Json.JsonValueKind.Null, narnia.GetProperty("countryId").ValueKind);
            Assert.Equal("Narnia", narnia.Text("countryName"));
        }

        // One notification per administrator for the distinct value, however often it comes.
        Assert.Single(await app.InDatabaseAsync(db => db.Notifications.Where(n => n.Title.Contains("Narnia")).ToListAsync()));
        var page = await (await admin.Http.GetAsync($"/companies/{usa.GetProperty("id").GetInt32() + 1}")).Content.ReadAsStringAsync();
        Assert.Contains("not recognised", page, StringComparison.Ordinal);

        // A write that fails changes nothing: not even the mismatch record of its country value.
        var refused = await admin.Http.PostAsJsonAsync("/api/v1/companies", new { name = "", countryName = "Atlantis" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.CountryMismatches.AnyAsync(m => m.RawValue == "Atlantis")));

        // Changing the country re-matches; the list shows the matched name.
        var id = usa.GetProperty("id").GetInt32();
        var changed = await admin.Http.PatchAsJsonAsync($"/api/v1/companies/{id}", new { countryName = "Deutschland", version = usa.GetProperty("version").GetInt32() });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("Germany", (await changed.ReadJsonAsync()).Text("country"));
        Assert.Contains("Germany", await (await admin.Http.GetAsync("/companies")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
