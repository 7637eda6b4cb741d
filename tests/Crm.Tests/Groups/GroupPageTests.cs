using System.Net;
using AngleSharp.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Groups;

/// <summary>The group screens, driven like a browser without JavaScript, on a real database.</summary>
public sealed class GroupPageTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task An_administrator_adds_edits_and_deletes_a_group_choosing_members_with_checkboxes()
    {
        await using var app = new CrmApp();
        var ann = await app.CreateUserAsync("ann@crm.test", Password, name: "Ann Baker");
        var bob = await app.CreateUserAsync("bob@crm.test", Password, name: "Bob Stone");
        var gone = await app.CreateUserAsync("gone@crm.test", Password, name: "Gone Person");
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == gone.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));
        var admin = await app.SignInAsAdminAsync();

        var (_, newPage) = await admin.GetPageAsync("/admin/groups/new");
        var labels = newPage.QuerySelectorAll(".member-choices label").Select(l => l.TextContent.Trim()).ToList();
        Assert.Contains(labels, l => l.Contains("Ann Baker", StringComparison.Ordinal) && l.Contains("ann@crm.test", StringComparison.Ordinal));
        Assert.DoesNotContain(labels, l => l.Contains("Gone Person", StringComparison.Ordinal));
        Assert.All(newPage.QuerySelectorAll(".member-choices input"), i => Assert.NotNull(newPage.QuerySelector($"label[for='{i.Id}']")));

        Tick(newPage, ann.Id, bob.Id);
        var created = await admin.SubmitAsync(newPage, new() { ["Input.Name"] = "Key accounts", ["Input.Description"] = "People who look after\nthe largest customers." });
        var id = SavedId(created);
        var (_, list) = await admin.FollowAsync(created);
        Assert.Contains("Key accounts", list.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", list.QuerySelectorAll("tbody td")[1].TextContent.Trim());
        Assert.Equal(new[] { ann.Id, bob.Id }.Order(), (await MembersAsync(app, id)).Order());

        // Grants belong to the permission editor: saving the group leaves them alone.
        await app.InDatabaseAsync(db =>
        {
            db.GroupGrants.Add(new Crm.Web.Features.Groups.GroupGrant { GroupId = id, Module = "deals", Action = "view", Scope = Scope.All });
            return db.SaveChangesAsync();
        });

        var (_, editPage) = await admin.GetPageAsync($"/admin/groups/{id}/edit");
        Assert.Equal("Key accounts", editPage.QuerySelector("input[name='Input.Name']")!.GetAttribute("value"));
        Assert.Equal(["ann@crm.test", "bob@crm.test"], Checked(editPage));
        Untick(editPage, bob.Id);
        var edited = await admin.SubmitAsync(editPage, new() { ["Input.Name"] = "Key account team", ["Input.Description"] = "" });
        Assert.Equal(id, SavedId(edited));

        var group = await app.InDatabaseAsync(db => db.Groups.Include(g => g.Grants).SingleAsync(g => g.Id == id));
        Assert.Equal("Key account team", group.Name);
        Assert.Null(group.Description);
        Assert.Single(group.Grants);
        Assert.Equal([ann.Id], await MembersAsync(app, id));

        var (_, confirm) = await admin.GetPageAsync($"/admin/groups/{id}/delete");
        Assert.Contains("Ann Baker", confirm.QuerySelector("main ul")!.TextContent, StringComparison.Ordinal);
        var deleted = await admin.SubmitAsync(confirm, []);
        Assert.Equal("/admin/groups?deleted=true", deleted.Headers.Location!.OriginalString);
        Assert.False(await app.InDatabaseAsync(db => db.Groups.AnyAsync()));
        Assert.False(await app.InDatabaseAsync(db => db.GroupMembers.AnyAsync()));
        Assert.False(await app.InDatabaseAsync(db => db.GroupGrants.AnyAsync()));

        var log = await ActivityAsync(app);
        Assert.Equal(
        [
            "Created group 'Key accounts' with 2 members: Ann Baker, Bob Stone.",
            "Changed group 'Key account team': name 'Key accounts' → 'Key account team'; description changed; removed Bob Stone.",
            "Deleted group 'Key account team' with 1 member and 1 grant.",
        ], log.Select(e => e.Summary));
        Assert.All(log, e => Assert.NotNull(e.ActorUserId));
    }

    [Fact]
    public async Task A_member_deactivated_after_joining_stays_listed_and_is_kept_on_save()
    {
        await using var app = new CrmApp();
        var ann = await app.CreateUserAsync("ann@crm.test", Password, name: "Ann Baker");
        var admin = await app.SignInAsAdminAsync();
        var (_, newPage) = await admin.GetPageAsync("/admin/groups/new");
        Tick(newPage, ann.Id);
        var id = SavedId(await admin.SubmitAsync(newPage, new() { ["Input.Name"] = "Night shift" }));
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == ann.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));

        var (_, editPage) = await admin.GetPageAsync($"/admin/groups/{id}/edit");
        Assert.Equal(["ann@crm.test"], Checked(editPage));
        Assert.Contains("deactivated", editPage.QuerySelector($"label[for='member-{ann.Id:N}']")!.TextContent, StringComparison.Ordinal);

        SavedId(await admin.SubmitAsync(editPage, new() { ["Input.Name"] = "Night shift", ["Input.Description"] = "Works 22:00 to 06:00" }));
        Assert.Equal([ann.Id], await MembersAsync(app, id));
    }

    [Fact]
    public async Task Unknown_members_duplicate_names_and_hostile_text_are_field_errors_that_change_nothing()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        SavedId(await admin.SubmitAsync("/admin/groups/new", new() { ["Input.Name"] = "Night shift" }));

        async Task<IDocument> Refused(Dictionary<string, string> values)
        {
            var response = await admin.SubmitAsync("/admin/groups/new", values);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
            return await PageClient.ParseAsync(html);
        }

        var stranger = Guid.NewGuid();
        Assert.Equal($"There is no user with the id {stranger}.",
            (await Refused(new() { ["Input.Name"] = "Day shift", ["Input.MemberIds"] = stranger.ToString() })).FieldError("Input.MemberIds"));
        Assert.NotNull((await Refused(new() { ["Input.Name"] = "Day shift", ["Input.MemberIds"] = "<script>x</script>" })).FieldError("Input.MemberIds"));
        Assert.Equal("There is already a group called 'Night shift'. Group names must be unique.",
            (await Refused(new() { ["Input.Name"] = "night SHIFT" })).FieldError("Input.Name"));
        Assert.Equal("Name must be at most 100 characters.",
            (await Refused(new() { ["Input.Name"] = new string('n', 10_240) })).FieldError("Input.Name"));
        Assert.Equal("Name cannot contain HTML tags.",
            (await Refused(new() { ["Input.Name"] = "<script>alert(1)</script>" })).FieldError("Input.Name"));
        Assert.Equal("Description must be at most 500 characters.",
            (await Refused(new() { ["Input.Name"] = "Day shift", ["Input.Description"] = new string('d', 501) })).FieldError("Input.Description"));
        Assert.Equal("Description cannot contain HTML tags.",
            (await Refused(new() { ["Input.Name"] = "Day shift", ["Input.Description"] = "Hi <img src=x onerror=alert(1)>" })).FieldError("Input.Description"));

        Assert.Equal(1, await app.InDatabaseAsync(db => db.Groups.CountAsync()));
        Assert.Single(await ActivityAsync(app));

        // Text that is not markup is kept as typed and shown encoded.
        SavedId(await admin.SubmitAsync("/admin/groups/new", new() { ["Input.Name"] = "Day shift", ["Input.Description"] = "Budget < 10k & \"urgent\"" }));
        var listHtml = await admin.Http.GetStringAsync("/admin/groups");
        Assert.Contains("Budget &lt; 10k &amp; &quot;urgent&quot;", listHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_groups_are_404_pages()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/groups/4242/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/groups/4242/delete")).StatusCode);

        var id = SavedId(await admin.SubmitAsync("/admin/groups/new", new() { ["Input.Name"] = "Night shift" }));
        var (_, edit) = await admin.GetPageAsync($"/admin/groups/{id}/edit");
        var (_, delete) = await admin.GetPageAsync($"/admin/groups/{id}/delete");
        await app.InDatabaseAsync(db => db.Groups.ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SubmitAsync(edit, new() { ["Input.Name"] = "Night shift" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SubmitAsync(delete, [])).StatusCode);
    }

    [Fact]
    public async Task Staff_get_403_on_every_group_page()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var id = SavedId(await admin.SubmitAsync("/admin/groups/new", new() { ["Input.Name"] = "Night shift" }));
        await app.CreateUserAsync("staff@crm.test", Password);
        var staff = await app.SignInAsync("staff@crm.test", Password);

        foreach (var url in new[] { "/admin/groups", "/admin/groups/new", $"/admin/groups/{id}/edit", $"/admin/groups/{id}/delete" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync(url)).StatusCode);
            using var form = new FormUrlEncodedContent([new("Input.Name", "Taken over")]);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync(url, form)).StatusCode);
        }

        Assert.Equal("Night shift", await app.InDatabaseAsync(db => db.Groups.Select(g => g.Name).SingleAsync()));
        var (_, adminPage) = await admin.GetPageAsync("/admin");
        Assert.Contains(adminPage.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/admin/groups");
    }

    private static void Tick(IDocument page, params Guid[] userIds)
    {
        foreach (var userId in userIds)
        {
            page.QuerySelector($"input[name='Input.MemberIds'][value='{userId}']")!.SetAttribute("checked", "checked");
        }
    }

    private static void Untick(IDocument page, params Guid[] userIds)
    {
        foreach (var userId in userIds)
        {
            page.QuerySelector($"input[name='Input.MemberIds'][value='{userId}']")!.RemoveAttribute("checked");
        }
    }

    private static List<string> Checked(IDocument page) =>
        page.QuerySelectorAll("input[name='Input.MemberIds'][checked]")
            .Select(i => page.QuerySelector($"label[for='{i.Id}'] .small")!.TextContent.Trim()).Order(StringComparer.Ordinal).ToList();

    internal static Task<List<Guid>> MembersAsync(CrmApp app, int groupId) =>
        app.InDatabaseAsync(db => db.GroupMembers.Where(m => m.GroupId == groupId).Select(m => m.UserId).ToListAsync());

    internal static int SavedId(HttpResponseMessage response) => Departments.DepartmentPageTests.SavedId(response);

    internal static Task<List<ActivityEntry>> ActivityAsync(CrmApp app) =>
        app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.GroupChanged).OrderBy(e => e.Id).ToListAsync());
}
