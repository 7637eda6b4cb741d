using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Sharing;

/// <summary>
/// Sharing rules (issue 29): "deals owned by members of X are shared with Y" opens the deals of X's
/// members, and only theirs, on every path to exactly the people Y reaches, for each kind of source
/// and target; the explainer and the record's sharing page name the rule; removing it closes the
/// deals on the next request.
/// </summary>
[Slow]
public sealed class SharingRuleTests
{
    public static TheoryData<string, string, string, string[]> Rules => new()
    {
        { "group Sellers", "group Key accounts", "read", ["ann", "cid"] },
        { "role Seller", "role Agent", "read", ["ann"] },
        { "department Sales", "role Lead and below", "edit", ["ann", "bob"] },
        { "role Seller", "department Support desk", "edit", ["ann", "bob"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task A_rule_opens_the_sources_records_to_exactly_its_target_until_it_is_removed(string from, string to, string access, string[] reached)
    {
        await using var app = new CrmApp();
        var org = await SharingOrg.CreateAsync(app);
        var deal = await ObjectKit.DealAsync(app, "Ruledeal", org.Owner, org.Sales);
        var outside = await ObjectKit.DealAsync(app, "Evedeal", org.Eve, null);
        var admin = await app.SignInAsAdminAsync();
        var clients = new Dictionary<string, PageClient>();
        foreach (var person in SharingOrg.People)
        {
            clients[person] = await app.SignInAsync($"{person}@crm.test", Password);
        }

        // Added through the administration page.
        var added = await admin.SubmitAsync("/admin/sharing-rules",
            new() { ["Module"] = "deals", ["From"] = org.Choice(from), ["To"] = org.Choice(to), ["Access"] = access }, "#rule-form");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var rules = await (await admin.Http.GetAsync("/api/v1/access/sharing-rules")).ReadJsonAsync();
        var rule = Assert.Single(rules.EnumerateArray());
        Assert.StartsWith("Deals: records owned by members of ", rule.GetProperty("description").GetString(), StringComparison.Ordinal);

        foreach (var person in SharingOrg.People)
        {
            var sees = reached.Contains(person);
            await SharedPaths.AssertSeesAsync(clients[person], $"{person} ({from} → {to})", deal, "Ruledeal", sees);
            await SharedPaths.AssertChangesAsync(clients[person], $"{person} ({from} → {to})", deal, sees, edits: sees && access == "edit");
            // Eve is in no source: her deal stays hers.
            await SharedPaths.AssertSeesAsync(clients[person], $"{person}: Eve's deal", outside, "Evedeal", sees: false);
        }

        // The explainer names the rule, and so does the record's sharing page for each person reached.
        var explained = await (await admin.Http.GetAsync($"/api/v1/access/explain?userId={org.Ann}&module=deals&action=view")).ReadJsonAsync();
        Assert.Equal(reached.Contains("ann"), explained.GetProperty("steps").EnumerateArray().Any(s => s.GetProperty("sentence").GetString()!.StartsWith("Sharing rule:", StringComparison.Ordinal)));
        var (_, sharing) = await admin.GetPageAsync($"/sharing/deals/{deal}");
        Assert.All(reached, person => Assert.Contains("Sharing rule: records owned by members of",
            sharing.QuerySelectorAll("#access tbody tr").Single(r => r.QuerySelector("td")!.TextContent == person).TextContent, StringComparison.Ordinal));

        var ruleId = rule.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/access/sharing-rules/{ruleId}")).StatusCode);
        foreach (var person in reached)
        {
            await SharedPaths.AssertSeesAsync(clients[person], $"{person} after the rule's removal", deal, "Ruledeal", sees: false);
        }

        Assert.Equal(0, await app.InDatabaseAsync(db => db.RecordShares.CountAsync()));
    }
}
