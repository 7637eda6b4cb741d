using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Departments;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Departments;

/// <summary>The department screens, driven like a browser without JavaScript, on a real database.</summary>
public sealed class DepartmentPageTests
{
    [Fact]
    public async Task An_administrator_adds_edits_and_deletes_a_department_and_each_change_is_in_the_activity_log()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var (_, empty) = await admin.GetPageAsync("/admin/departments");
        Assert.Contains("no departments yet", empty.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        var created = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "  Support  ", ["Input.Email"] = "support@example.com" });
        var id = SavedId(created);
        var (_, list) = await admin.FollowAsync(created);
        Assert.Contains("Support", list.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("support@example.com", list.QuerySelector(".department-tree tbody td")!.TextContent.Trim());

        var (_, editPage) = await admin.GetPageAsync($"/admin/departments/{id}/edit");
        Assert.Equal("Support", editPage.QuerySelector("input[name='Input.Name']")!.GetAttribute("value"));
        var edited = await admin.SubmitAsync(editPage, new() { ["Input.Name"] = "Customer support", ["Input.Email"] = "", ["Input.ParentId"] = "" });
        Assert.Equal(id, SavedId(edited));

        var department = await app.InDatabaseAsync(db => db.Departments.SingleAsync(d => d.Id == id));
        Assert.Equal("Customer support", department.Name);
        Assert.Null(department.Email);
        Assert.Null(department.ParentId);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, department.CreatedAt);

        var deleted = await admin.SubmitAsync($"/admin/departments/{id}/delete", []);
        Assert.Equal("/admin/departments?deleted=true", deleted.Headers.Location!.OriginalString);
        Assert.False(await app.InDatabaseAsync(db => db.Departments.AnyAsync()));

        var log = await ActivityAsync(app);
        Assert.Equal(3, log.Count);
        Assert.All(log, e => Assert.Equal(ActivityKinds.DepartmentChanged, e.Kind));
        Assert.Equal("Created department 'Support' at the top level, email support@example.com.", log[0].Summary);
        Assert.Equal("Changed department 'Support': name 'Support' → 'Customer support'; email support@example.com → none.", log[1].Summary);
        Assert.Equal("Deleted department 'Customer support'.", log[2].Summary);
        var adminId = await app.AdminIdAsync();
        Assert.All(log, e => Assert.Equal(adminId, e.ActorUserId));
    }

    [Fact]
    public async Task The_list_shows_a_three_level_tree_indented_under_each_parent_with_member_counts()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var company = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Company" }));
        var sales = SavedId(await admin.SubmitAsync($"/admin/departments/new?parent={company}", new() { ["Input.Name"] = "Sales", ["Input.ParentId"] = $"{company}" }));
        var europe = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = $"{sales}" }));
        SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Accounting", ["Input.ParentId"] = $"{company}" }));
        SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Board" }));
        var ann = await app.CreateUserAsync("ann@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(db =>
        {
            db.UserDepartments.Add(new UserDepartment { UserId = ann.Id, DepartmentId = europe, IsPrimary = true });
            return db.SaveChangesAsync();
        });

        var (_, page) = await admin.GetPageAsync("/admin/departments");
        var rows = page.QuerySelectorAll(".department-tree tbody tr").Select(r => new
        {
            Name = r.QuerySelector("th .fw-semibold")!.TextContent,
            Depth = r.QuerySelector("th")!.ClassList.Single(c => c.StartsWith("tree-depth-", StringComparison.Ordinal)),
            Path = r.QuerySelector("th .small")?.TextContent,
            Members = r.QuerySelectorAll("td")[1].TextContent.Trim(),
        }).ToList();

        Assert.Equal(["Board", "Company", "Accounting", "Sales", "Europe"], rows.Select(r => r.Name));
        Assert.Equal(["tree-depth-0", "tree-depth-0", "tree-depth-1", "tree-depth-1", "tree-depth-2"], rows.Select(r => r.Depth));
        Assert.Equal("Company / Sales / Europe", rows[4].Path);
        Assert.Equal(["0", "0", "0", "0", "1"], rows.Select(r => r.Members));

        // "Add sub-department" preselects the parent.
        var (_, newPage) = await admin.GetPageAsync($"/admin/departments/new?parent={sales}");
        Assert.Equal($"{sales}", newPage.QuerySelector("select[name='Input.ParentId'] option[selected]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Moving_a_department_under_itself_or_its_own_sub_department_is_refused_with_a_clear_message()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var company = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Company" }));
        var sales = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Sales", ["Input.ParentId"] = $"{company}" }));
        var europe = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = $"{sales}" }));

        // The form does not even offer the department itself or what is under it.
        var (_, editCompany) = await admin.GetPageAsync($"/admin/departments/{company}/edit");
        Assert.Equal([""], editCompany.QuerySelectorAll("select[name='Input.ParentId'] option").Select(o => o.GetAttribute("value")));

        var underGrandchild = await admin.SubmitAsync($"/admin/departments/{company}/edit", new() { ["Input.Name"] = "Company", ["Input.ParentId"] = $"{europe}" });
        Assert.Equal(HttpStatusCode.OK, underGrandchild.StatusCode);
        var page = await PageClient.ParseAsync(await underGrandchild.Content.ReadAsStringAsync());
        Assert.Equal("'Europe' is inside 'Company': a department cannot be placed under one of its own sub-departments.", page.FieldError("Input.ParentId"));

        var underItself = await admin.SubmitAsync($"/admin/departments/{sales}/edit", new() { ["Input.Name"] = "Sales", ["Input.ParentId"] = $"{sales}" });
        page = await PageClient.ParseAsync(await underItself.Content.ReadAsStringAsync());
        Assert.Equal("A department cannot be its own parent.", page.FieldError("Input.ParentId"));

        Assert.Null(await app.InDatabaseAsync(db => db.Departments.Where(d => d.Id == company).Select(d => d.ParentId).SingleAsync()));
        Assert.Equal(3, (await ActivityAsync(app)).Count); // the three creations, nothing for the refusals

        // Moving a leaf elsewhere in the tree is fine.
        Assert.Equal(europe, SavedId(await admin.SubmitAsync($"/admin/departments/{europe}/edit", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = $"{company}" })));
    }

    [Fact]
    public async Task Duplicate_names_ignoring_case_and_unknown_parents_are_field_errors()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Sales" }));

        var duplicate = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "SALES " });
        var page = await PageClient.ParseAsync(await duplicate.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal("There is already a department called 'Sales'. Department names must be unique.", page.FieldError("Input.Name"));

        var unknownParent = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = "424242" });
        page = await PageClient.ParseAsync(await unknownParent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, unknownParent.StatusCode);
        Assert.StartsWith("The parent department does not exist", page.FieldError("Input.ParentId"), StringComparison.Ordinal);

        var notANumber = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = "<b>x</b>" });
        var html = await notANumber.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, notANumber.StatusCode);
        Assert.NotNull((await PageClient.ParseAsync(html)).FieldError("Input.ParentId"));
        Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);

        var badEmail = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.Email"] = "not an address" });
        page = await PageClient.ParseAsync(await badEmail.Content.ReadAsStringAsync());
        Assert.Equal("Email must be an email address, like name@example.com.", page.FieldError("Input.Email"));

        Assert.Equal(1, await app.InDatabaseAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task Huge_and_scripted_names_get_clear_messages_and_text_with_angle_brackets_is_shown_escaped()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        var huge = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = new string('x', 10_240) });
        var page = await PageClient.ParseAsync(await huge.Content.ReadAsStringAsync());
        Assert.Equal("Name must be at most 100 characters.", page.FieldError("Input.Name"));

        var scripted = await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "<script>alert(1)</script>" });
        var html = await scripted.Content.ReadAsStringAsync();
        Assert.Equal("Name cannot contain HTML tags.", (await PageClient.ParseAsync(html)).FieldError("Input.Name"));
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.False(await app.InDatabaseAsync(db => db.Departments.AnyAsync()));

        // Not markup, so allowed, and encoded wherever it is shown.
        var id = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "R&D \"<3\" 'lab'" }));
        var listHtml = await admin.Http.GetStringAsync("/admin/departments");
        Assert.Contains("R&amp;D &quot;&lt;3&quot; &#x27;lab&#x27;", listHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("\"<3\"", listHtml, StringComparison.Ordinal);
        Assert.Equal("R&D \"<3\" 'lab'", await app.InDatabaseAsync(db => db.Departments.Where(d => d.Id == id).Select(d => d.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_department_with_sub_departments_or_members_is_not_deleted()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var sales = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Sales" }));
        var europe = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Europe", ["Input.ParentId"] = $"{sales}" }));
        var ann = await app.CreateUserAsync("ann@crm.test", "a good long passphrase");
        var bob = await app.CreateUserAsync("bob@crm.test", "a good long passphrase");
        await app.InDatabaseAsync(db =>
        {
            db.UserDepartments.Add(new UserDepartment { UserId = ann.Id, DepartmentId = europe, IsPrimary = true });
            db.UserDepartments.Add(new UserDepartment { UserId = bob.Id, DepartmentId = europe, IsPrimary = true });
            return db.SaveChangesAsync();
        });

        var (_, confirm) = await admin.GetPageAsync($"/admin/departments/{sales}/delete");
        Assert.Contains("cannot be deleted while it has 1 sub-department", confirm.QuerySelector(".alert-warning")!.TextContent, StringComparison.Ordinal);
        Assert.True(confirm.QuerySelector("main button[type=submit]")!.HasAttribute("disabled"));

        // The server refuses even when the button is bypassed.
        var withChild = await admin.SubmitAsync(confirm, []);
        Assert.Equal(HttpStatusCode.OK, withChild.StatusCode);
        var page = await PageClient.ParseAsync(await withChild.Content.ReadAsStringAsync());
        Assert.Contains("'Sales' cannot be deleted while it has 1 sub-department. Move them to another department first.", page.ValidationMessages());

        var withMembers = await admin.SubmitAsync($"/admin/departments/{europe}/delete", []);
        page = await PageClient.ParseAsync(await withMembers.Content.ReadAsStringAsync());
        Assert.Contains("'Europe' cannot be deleted while it has 2 members. Move them to another department first.", page.ValidationMessages());

        Assert.Equal(2, await app.InDatabaseAsync(db => db.Departments.CountAsync()));
        Assert.DoesNotContain(await ActivityAsync(app), e => e.Summary.StartsWith("Deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_departments_are_404_pages()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/departments/4242/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/departments/4242/delete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/admin/departments/abc/edit")).StatusCode);

        // A form of a department deleted meanwhile.
        var id = SavedId(await admin.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Sales" }));
        var (_, edit) = await admin.GetPageAsync($"/admin/departments/{id}/edit");
        var (_, delete) = await admin.GetPageAsync($"/admin/departments/{id}/delete");
        await app.InDatabaseAsync(db => db.Departments.ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SubmitAsync(edit, new() { ["Input.Name"] = "Sales" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SubmitAsync(delete, [])).StatusCode);
    }

    [Fact]
    public async Task Staff_get_403_on_every_department_page_and_do_not_see_the_section()
    {
        await using var app = new CrmApp();
        var adminClient = await app.SignInAsAdminAsync();
        var id = SavedId(await adminClient.SubmitAsync("/admin/departments/new", new() { ["Input.Name"] = "Sales" }));
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");

        foreach (var url in new[] { "/admin/departments", "/admin/departments/new", $"/admin/departments/{id}/edit", $"/admin/departments/{id}/delete" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync(url)).StatusCode);
            using var form = new FormUrlEncodedContent([new("Input.Name", "Taken over")]);
            Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PostAsync(url, form)).StatusCode);
        }

        Assert.Equal("Sales", await app.InDatabaseAsync(db => db.Departments.Select(d => d.Name).SingleAsync()));
        var (_, adminPage) = await adminClient.GetPageAsync("/admin");
        Assert.Contains(adminPage.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/admin/departments");
        var (_, help) = await adminClient.GetPageAsync("/help/departments");
        Assert.Equal("Departments", help.QuerySelector("article h1")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.Http.GetAsync("/help/departments")).StatusCode);
    }

    internal static int SavedId(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Expected a redirect after saving, got {(int)response.StatusCode}");
        var location = response.Headers.Location!.OriginalString;
        var marker = location.IndexOf("saved=", StringComparison.Ordinal);
        Assert.True(marker >= 0, location);
        return int.Parse(location[(marker + "saved=".Length)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static Task<List<ActivityEntry>> ActivityAsync(CrmApp app) =>
        app.InDatabaseAsync(db => db.ActivityLog.Where(e => e.Kind == ActivityKinds.DepartmentChanged).OrderBy(e => e.Id).ToListAsync());
}
