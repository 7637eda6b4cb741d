using Crm.Tests.Infrastructure;
using Crm.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Deals;

public sealed class DemoSalesRecordsTests
{
    [Fact]
    public async Task Demo_data_brings_products_leads_and_deals_the_demo_agent_sees_as_their_own()
    {
        await using var app = new CrmApp().With("Crm:DemoData", "true");
        _ = app.Server;

        Assert.Equal((3, 3, 3), await app.InDatabaseAsync(async db => (await db.Products.CountAsync(), await db.Leads.CountAsync(), await db.Deals.CountAsync())));
        var omar = await app.SignInAsync("omar.haddad@demo.example", DemoOrganisation.DemoPassword);
        var deals = await (await omar.Http.GetAsync("/api/v1/deals")).ReadJsonAsync();
        Assert.Equal(["Tool sets for the school", "Workshop fit-out"], deals.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("title").GetString()!));
        var leads = await (await omar.Http.GetAsync("/api/v1/leads")).ReadJsonAsync();
        Assert.Equal(3, leads.GetProperty("items").GetArrayLength());
    }
}
