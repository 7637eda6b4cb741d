using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Demo;

/// <summary>
/// <c>--demo</c> / <c>Crm:DemoData=true</c>: a small, realistic organisation so a newcomer sees
/// something at once: departments in a tree, and a team holding the default roles. Idempotent:
/// what is already there is left alone. Each feature that brings new kinds of records adds its
/// part here.
/// </summary>
public sealed class DemoOrganisation(UserManager<CrmUser> users, CrmDb db, TimeProvider clock, ILogger<DemoOrganisation> log)
{
    /// <summary>Demo people share one password, printed at start; demo data is for trying the product, not for production.</summary>
    public const string DemoPassword = "demo-password-2026";

    private static readonly (string Name, string? Parent)[] s_departments =
    [
        ("Sales", null), ("Sales North", "Sales"), ("Sales South", "Sales"), ("Accounting", null), ("Operations", null),
    ];

    private static readonly (string Name, string Email, string Role, string Department)[] s_people =
    [
        ("Ann Baker", "ann.baker@demo.example", "Sales manager", "Sales"),
        ("Omar Haddad", "omar.haddad@demo.example", "Sales agent", "Sales North"),
        ("Lena Fischer", "lena.fischer@demo.example", "Sales agent", "Sales South"),
        ("Raj Patel", "raj.patel@demo.example", "Accountant", "Accounting"),
        ("Sofia Rossi", "sofia.rossi@demo.example", "Operator", "Operations"),
        ("Tom Nowak", "tom.nowak@demo.example", "Executive", "Sales"),
    ];

    public async Task EnsureAsync(TextWriter console, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (name, parent) in s_departments)
        {
            if (!await db.Departments.AnyAsync(d => d.Name == name, cancellationToken))
            {
                var parentId = parent is null ? null : await db.Departments.Where(d => d.Name == parent).Select(d => (int?)d.Id).FirstOrDefaultAsync(cancellationToken);
                db.Departments.Add(new Department { Name = name, ParentId = parentId, CreatedAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        var created = 0;
        foreach (var (name, email, roleName, departmentName) in s_people)
        {
            var normalized = users.NormalizeEmail(email);
            var roleId = await db.Roles.Where(r => r.Name == roleName).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
            var departmentId = await db.Departments.Where(d => d.Name == departmentName).Select(d => d.Id).FirstAsync(cancellationToken);
            if (roleId is null || await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            {
                continue; // a renamed default role or an existing person: leave the organisation as it is
            }

            var person = new CrmUser { UserName = email, Email = email, EmailConfirmed = true, FullName = name, RoleId = roleId.Value, CreatedAt = now };
            var result = await users.CreateAsync(person, DemoPassword);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Demo user could not be created: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }

            db.UserDepartments.Add(new UserDepartment { UserId = person.Id, DepartmentId = departmentId, IsPrimary = true });
            await db.SaveChangesAsync(cancellationToken);
            created++;
        }

        if (created > 0)
        {
            log.LogInformation("Demo organisation: {Count} people added", created);
            await console.WriteLineAsync($"Demo data: {created} people in {s_departments.Length} departments (e.g. {s_people[0].Email}, a sales manager); their password is '{DemoPassword}'.");
        }
    }
}
