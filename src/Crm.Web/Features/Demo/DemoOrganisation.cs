using Crm.Web.Data;
using Crm.Web.Features.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Demo;

/// <summary>
/// <c>--demo</c> / <c>Crm:DemoData=true</c>: a small, realistic team so a newcomer sees something
/// at once. Idempotent: people already there are left alone. Each feature that brings new kinds of
/// records (departments, roles, companies) adds its part here.
/// </summary>
public sealed class DemoOrganisation(UserManager<CrmUser> users, CrmDb db, TimeProvider clock, ILogger<DemoOrganisation> log)
{
    /// <summary>Demo people share one password, printed at start; demo data is for trying the product, not for production.</summary>
    public const string DemoPassword = "demo-password-2026";

    private static readonly (string Name, string Email)[] s_people =
    [
        ("Ann Baker", "ann.baker@demo.example"),
        ("Omar Haddad", "omar.haddad@demo.example"),
        ("Lena Fischer", "lena.fischer@demo.example"),
        ("Raj Patel", "raj.patel@demo.example"),
        ("Sofia Rossi", "sofia.rossi@demo.example"),
        ("Tom Nowak", "tom.nowak@demo.example"),
    ];

    public async Task EnsureAsync(TextWriter console, CancellationToken cancellationToken)
    {
        var created = 0;
        foreach (var (name, email) in s_people)
        {
            var normalized = users.NormalizeEmail(email);
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            {
                continue;
            }

            var person = new CrmUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                FullName = name,
                RoleId = Roles.DefaultRoles.AdministratorRoleId,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            var result = await users.CreateAsync(person, DemoPassword);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Demo user could not be created: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }

            created++;
        }

        if (created > 0)
        {
            log.LogInformation("Demo organisation: {Count} people added", created);
            await console.WriteLineAsync($"Demo data: {created} people added (e.g. {s_people[0].Email}); their password is '{DemoPassword}'.");
        }
    }
}
