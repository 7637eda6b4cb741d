using System.Security.Cryptography;
using Crm.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

/// <summary>
/// On an empty database, creates the first administrator: from <c>CRM_ADMIN_EMAIL</c> /
/// <c>CRM_ADMIN_PASSWORD</c>, or <c>admin@localhost</c> with a random temporary password that is
/// printed once to the console (never to the log) and must be changed at first sign-in.
/// </summary>
public sealed class FirstAdministrator(
    UserManager<CrmUser> users,
    CrmDb db,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<FirstAdministrator> log)
{
    public const string DefaultEmail = "admin@localhost";

    public async Task EnsureAsync(TextWriter console, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var email = configuration["CRM_ADMIN_EMAIL"] is { Length: > 0 } configured ? configured.Trim() : DefaultEmail;
        var password = configuration["CRM_ADMIN_PASSWORD"];
        var temporary = string.IsNullOrEmpty(password);
        if (temporary)
        {
            password = TemporaryPassword();
        }

        var admin = new CrmUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            FullName = "Administrator",
            IsAdministrator = true,
            MustChangePassword = temporary,
            RoleId = Roles.DefaultRoles.AdministratorRoleId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };

        var created = await users.CreateAsync(admin, password!);
        if (!created.Succeeded)
        {
            if (await db.Users.AnyAsync(cancellationToken))
            {
                return; // another instance won the race
            }

            throw new InvalidOperationException(
                "The first administrator could not be created from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD: " +
                string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        log.LogInformation("Created the first administrator {UserId}", admin.Id);
        if (temporary)
        {
            // Straight to the console: a password must never reach the structured log.
            await console.WriteLineAsync(
                $"""

                 ================================================================
                  First administrator created.
                    Email:              {email}
                    Temporary password: {password}
                  It is shown only this once and must be changed at first sign-in.
                 ================================================================

                 """);
        }
    }

    /// <summary>16 characters from an alphabet without look-alikes (~93 bits).</summary>
    public static string TemporaryPassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }
}
