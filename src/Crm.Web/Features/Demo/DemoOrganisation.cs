using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Leads;
using Crm.Web.Features.Products;
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

        await EnsureSalesRecordsAsync(now, cancellationToken);
        if (created > 0)
        {
            log.LogInformation("Demo organisation: {Count} people added", created);
            await console.WriteLineAsync($"Demo data: {created} people in {s_departments.Length} departments (e.g. {s_people[0].Email}, a sales manager); their password is '{DemoPassword}'.");
        }
    }

    /// <summary>A few products, leads and deals owned by the demo sales people, added once (when there are none of each).</summary>
    private async Task EnsureSalesRecordsAsync(DateTime now, CancellationToken cancellationToken)
    {
        var people = await db.Users.Where(u => u.Email == s_people[0].Email || u.Email == s_people[1].Email)
            .Select(u => new { u.Id, u.Email }).ToListAsync(cancellationToken);
        var manager = people.FirstOrDefault(p => p.Email == s_people[0].Email)?.Id;
        var agent = people.FirstOrDefault(p => p.Email == s_people[1].Email)?.Id;
        if (manager is not { } managerId || agent is not { } agentId)
        {
            return;
        }

        var managerDepartment = await db.UserDepartments.Where(m => m.UserId == managerId && m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefaultAsync(cancellationToken);
        var agentDepartment = await db.UserDepartments.Where(m => m.UserId == agentId && m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefaultAsync(cancellationToken);
        T Owned<T>(T record, Guid owner, int? department) where T : Records.OwnedRecord
        {
            record.OwnerId = owner;
            record.DepartmentId = department;
            record.CreatedAt = record.ModifiedAt = now;
            record.Version = 1;
            return record;
        }

        if (!await db.Products.AnyAsync(cancellationToken))
        {
            foreach (var (code, name, price, category) in new[] { ("WB-100", "Workbench 100", 49_900L, "Furniture"), ("TL-7", "Tool set 7", 12_950L, "Tools"), ("SV-1Y", "Service plan, one year", 99_000L, "Services") })
            {
                db.Products.Add(Owned(new Product { Code = code, CodeKey = code.ToLowerInvariant(), Name = name, Price = price, Currency = "EUR", Category = category }, managerId, managerDepartment));
            }
        }

        if (!await db.Leads.AnyAsync(cancellationToken))
        {
            db.Leads.Add(Owned(new Lead { FirstName = "Lena", LastName = "Lindqvist", CompanyName = "Nordic Tools AB", Email = "lena@nordictools.example", Source = LeadSources.Event, Status = LeadStatuses.Qualified }, agentId, agentDepartment));
            db.Leads.Add(Owned(new Lead { FirstName = "Marco", LastName = "Bianchi", CompanyName = "Officine Bianchi", Source = LeadSources.Web, Status = LeadStatuses.New }, agentId, agentDepartment));
            db.Leads.Add(Owned(new Lead { FirstName = "Aiko", LastName = "Tanaka", Email = "aiko@example.jp", Source = LeadSources.Referral, Status = LeadStatuses.Contacted }, agentId, agentDepartment));
        }

        if (!await db.Deals.AnyAsync(cancellationToken))
        {
            db.Deals.Add(Owned(new Deal { Title = "Workshop fit-out", Stage = DealStages.Proposal, Amount = 1_850_000, Currency = "EUR", Probability = 40, ExpectedClose = DateOnly.FromDateTime(now).AddDays(30) }, agentId, agentDepartment));
            db.Deals.Add(Owned(new Deal { Title = "Service plans 2027", Stage = DealStages.Negotiation, Amount = 495_000, Currency = "EUR", Probability = 70, ExpectedClose = DateOnly.FromDateTime(now).AddDays(14) }, managerId, managerDepartment));
            db.Deals.Add(Owned(new Deal { Title = "Tool sets for the school", Stage = DealStages.Won, Amount = 259_000, Currency = "EUR", Probability = 100, ClosingReason = "Best delivery time." }, agentId, agentDepartment));
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
