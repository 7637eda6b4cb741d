using System.Text.Json;
using Crm.Web.Features.Account;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;

namespace Crm.Tests.Infrastructure;

/// <summary>Builds an organisation straight in the database: roles with grants, departments, staff, companies and contacts.</summary>
public static class CompanyKit
{
    public const string Password = "a good long passphrase";

    public static Task<int> RoleAsync(CrmApp app, string name, int? parentId, AssignRecordsTo assign, params (string Module, string Action, Scope Scope)[] grants) =>
        app.InDatabaseAsync(async db =>
        {
            var role = new Role
            {
                Name = name,
                ParentId = parentId,
                AssignRecordsTo = assign,
                Grants = [.. grants.Select(g => new RoleGrant { Module = g.Module, Action = g.Action, Scope = g.Scope })],
            };
            db.Roles.Add(role);
            await db.SaveChangesAsync();
            return role.Id;
        });

    /// <summary>Every standard company and contact action (and transfer) with one scope.</summary>
    public static (string, string, Scope)[] Everything(Scope scope) =>
    [
        .. new[] { CrmModules.Companies.Key, CrmModules.Contacts.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, scope))),
        (CrmModules.Companies.Key, PermissionAction.Transfer, scope),
    ];

    public static Task<int> DepartmentAsync(CrmApp app, string name, int? parentId = null) =>
        app.InDatabaseAsync(async db =>
        {
            var department = new Department { Name = name, ParentId = parentId, CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
            db.Departments.Add(department);
            await db.SaveChangesAsync();
            return department.Id;
        });

    /// <summary>A staff member with a role; the first department is their primary one.</summary>
    public static async Task<CrmUser> UserAsync(CrmApp app, string email, int roleId, params int[] departmentIds)
    {
        var user = await app.CreateUserAsync(email, Password);
        await app.InDatabaseAsync(async db =>
        {
            var row = await db.Users.FindAsync(user.Id);
            row!.RoleId = roleId;
            foreach (var (department, i) in departmentIds.Select((d, i) => (d, i)))
            {
                db.UserDepartments.Add(new UserDepartment { UserId = user.Id, DepartmentId = department, IsPrimary = i == 0 });
            }

            return await db.SaveChangesAsync();
        });
        user.RoleId = roleId;
        return user;
    }

    public static Task<int> CompanyAsync(CrmApp app, string name, Guid ownerId, int? departmentId) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var company = new Company { Name = name, OwnerId = ownerId, DepartmentId = departmentId, CreatedAt = now, ModifiedAt = now, Version = 1 };
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company.Id;
        });

    public static Task<int> ContactAsync(CrmApp app, string first, string last, int? companyId, Guid ownerId, int? departmentId) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var contact = new Contact { FirstName = first, LastName = last, CompanyId = companyId, OwnerId = ownerId, DepartmentId = departmentId, CreatedAt = now, ModifiedAt = now, Version = 1 };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            return contact.Id;
        });

    public static async Task<List<string>> NamesAsync(this HttpResponseMessage response)
    {
        var json = await response.ReadJsonAsync();
        return [.. json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
    }

    public static async Task<List<int>> IdsAsync(this HttpResponseMessage response)
    {
        var json = await response.ReadJsonAsync();
        return [.. json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32())];
    }

    /// <summary>The fields a validation problem names, read once (a response body can be read only once).</summary>
    public static async Task<IReadOnlySet<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        var problem = await response.ReadJsonAsync();
        return problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToHashSet() : new HashSet<string>();
    }

    public static string? Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
