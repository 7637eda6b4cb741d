using Crm.Tests.Infrastructure;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Sharing;

/// <summary>
/// The organisation the sharing tests share: everyone's role reaches only their own records, so
/// whatever else they see, a share or a sharing rule opened.
/// <code>
/// roles:        Lead ─ Agent        Seller        Outsider
/// departments:  Sales   Support ─ Support desk   Outside
/// owner  Seller, Sales       (owns the deal; group Sellers)
/// ann    Agent, Support desk (group Key accounts)
/// bob    Lead, Support
/// cid    Seller, Sales       (group Key accounts)
/// dan    Seller, Sales
/// eve    Outsider, Outside   (owns a deal no rule opens)
/// </code>
/// </summary>
public sealed record SharingOrg(
    CrmApp App, Guid Owner, Guid Ann, Guid Bob, Guid Cid, Guid Dan, Guid Eve,
    int Lead, int Agent, int Seller, int Sales, int Support, int SupportDesk, int KeyAccounts, int Sellers, int Outsider)
{
    public static readonly string[] People = ["ann", "bob", "cid", "dan"];

    /// <summary>Every standard action, with scope Own, on the object modules, tasks, memos and files.</summary>
    public static (string, string, Scope)[] OwnOnly =>
    [
        .. ObjectKit.Everything(Scope.Own),
        .. new[] { CrmModules.Files.Key, CrmModules.Tasks.Key, CrmModules.Memos.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, Scope.Own))),
    ];

    public static async Task<SharingOrg> CreateAsync(CrmApp app)
    {
        var lead = await RoleAsync(app, "Lead", null, AssignRecordsTo.AnyUser, OwnOnly);
        var agent = await RoleAsync(app, "Agent", lead, AssignRecordsTo.AnyUser, OwnOnly);
        var seller = await RoleAsync(app, "Seller", null, AssignRecordsTo.AnyUser, OwnOnly);
        var outsider = await RoleAsync(app, "Outsider", null, AssignRecordsTo.AnyUser, OwnOnly);
        var sales = await DepartmentAsync(app, "Sales");
        var support = await DepartmentAsync(app, "Support");
        var desk = await DepartmentAsync(app, "Support desk", support);
        var outside = await DepartmentAsync(app, "Outside");
        var owner = await UserAsync(app, "owner@crm.test", seller, sales);
        var ann = await UserAsync(app, "ann@crm.test", agent, desk);
        var bob = await UserAsync(app, "bob@crm.test", lead, support);
        var cid = await UserAsync(app, "cid@crm.test", seller, sales);
        var dan = await UserAsync(app, "dan@crm.test", seller, sales);
        var eve = await UserAsync(app, "eve@crm.test", outsider, outside);
        var (keyAccounts, sellers) = await app.InDatabaseAsync(async db =>
        {
            var key = new Group { Name = "Key accounts", Members = [new GroupMember { UserId = ann.Id }, new GroupMember { UserId = cid.Id }] };
            var sellersGroup = new Group { Name = "Sellers", Members = [new GroupMember { UserId = owner.Id }] };
            db.Groups.AddRange(key, sellersGroup);
            await db.SaveChangesAsync();
            return (key.Id, sellersGroup.Id);
        });
        return new SharingOrg(app, owner.Id, ann.Id, bob.Id, cid.Id, dan.Id, eve.Id, lead, agent, seller, sales, support, desk, keyAccounts, sellers, outsider);
    }

    /// <summary>A choice value of the sharing pages ("group:3") by the names the tests use.</summary>
    public string Choice(string name) => name switch
    {
        "user ann" => $"user:{Ann}",
        "group Key accounts" => $"group:{KeyAccounts}",
        "group Sellers" => $"group:{Sellers}",
        "role Agent" => $"role:{Agent}",
        "role Lead" => $"role:{Lead}",
        "role Lead and below" => $"role-below:{Lead}",
        "role Seller" => $"role:{Seller}",
        "department Sales" => $"department:{Sales}",
        "department Support desk" => $"department:{SupportDesk}",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>The API body's target fields for a choice ("userId":"…" or "roleId":3,"withSubordinates":true).</summary>
    public string TargetJson(string name, string prefix = "")
    {
        var (kind, id) = Choice(name).Split(':') is [var k, var v] ? (k, v) : throw new ArgumentException(name);
        string Field(string field) => prefix.Length == 0 ? field : prefix + char.ToUpperInvariant(field[0]) + field[1..];
        var subordinates = prefix.Length == 0 ? "withSubordinates" : prefix + "Subordinates";
        return kind switch
        {
            "user" => $"\"{Field("userId")}\":\"{id}\"",
            "group" => $"\"{Field("groupId")}\":{id}",
            "role" => $"\"{Field("roleId")}\":{id}",
            "role-below" => $"\"{Field("roleId")}\":{id},\"{subordinates}\":true",
            _ => $"\"{Field("departmentId")}\":{id}",
        };
    }
}
