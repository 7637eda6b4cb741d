using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

public sealed record UserWithoutAccount(Guid Id, string FullName, string Email, string? RoleName);

/// <summary>
/// For administrators: the active sales staff without a sending account, so none of them is left
/// unable to write to customers. Sales staff are the users whose role grants viewing contacts,
/// companies or leads (the records mailings go to).
/// </summary>
public sealed class ListUsersWithoutSendingAccount(CrmDb db)
{
    public async Task<Result<IReadOnlyList<UserWithoutAccount>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<UserWithoutAccount>>.Forbidden("Only administrators see who lacks a sending account.");
        }

        string[] modules = [CrmModules.Contacts.Key, CrmModules.Companies.Key, CrmModules.Leads.Key];
        var users = await db.Users.AsNoTracking()
            .Where(u => u.IsActive
                && (db.RoleGrants.Any(g => g.RoleId == u.RoleId && modules.Contains(g.Module) && g.Action == PermissionAction.View && g.Scope != Scope.None)
                    || db.RoleProfiles.Any(rp => rp.RoleId == u.RoleId
                        && db.ProfileGrants.Any(g => g.ProfileId == rp.ProfileId && modules.Contains(g.Module) && g.Action == PermissionAction.View && g.Scope != Scope.None)))
                && !db.SendingAccounts.Any(a => a.UserId == u.Id))
            .OrderBy(u => u.FullName).ThenBy(u => u.Id)
            .Select(u => new UserWithoutAccount(u.Id, u.FullName, u.Email!, db.Roles.Where(r => r.Id == u.RoleId).Select(r => (string?)r.Name).FirstOrDefault()))
            .Take(1000)
            .ToListAsync(cancellationToken);
        return Result<IReadOnlyList<UserWithoutAccount>>.Ok(users);
    }
}
