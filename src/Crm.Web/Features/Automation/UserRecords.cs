using Crm.Web.Data;
using Crm.Web.Features.Users;
using Crm.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>
/// A user as rules see them (ADR 0050): the fields an administrator filters on. Those the user's
/// own row holds keep the names the audit trail writes their changes under (<c>fullName</c>,
/// <c>isActive</c>, <c>roleId</c>), so "changed" conditions see them; the role's name, the
/// departments and the manager are looked up, and their changes are not the user's own.
/// <see cref="Manager"/> is the users holding the parent role of the user's role, those sharing a
/// department with them first: the "manager" a notification or a task goes to.
/// </summary>
public sealed record UserRecord(
    Guid Id, string FullName, string Email, int RoleId, string Role, int? DepartmentId, string? Department, string Departments,
    Guid? ManagerId, string Manager, bool IsAdministrator, bool IsActive, bool IsIntegration, DateTime CreatedAt);

/// <summary>
/// Reads a user for a rule through the users' own read use case (<see cref="ReadUser"/>): an
/// automation user who may not see users' accounts (only administrators may) gets nothing, so the
/// rule never learns about a user its automation user could not open by hand.
/// </summary>
public sealed class UserRecords(CrmDb db, ReadUser read)
{
    public const string ModuleKey = "users";

    /// <summary>The audit trail's name for a user's changes (<see cref="Audit.AuditNames.EntityType"/> of the account).</summary>
    public const string AuditedAs = "user";

    public static readonly AutomationModule Module = new(ModuleKey, "Users", AuditedAs, typeof(UserRecord), false,
        async (services, actor, key, cancellationToken) => Guid.TryParse(key, out var id)
            ? await services.GetRequiredService<UserRecords>().ReadAsync(actor, id, cancellationToken)
            : null);

    public async Task<UserRecord?> ReadAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var user = await read.RunAsync(actor, id, cancellationToken);
        if (!user.IsOk)
        {
            return null;
        }

        var details = user.Value;
        var departments = await db.Departments.AsNoTracking().Where(d => details.DepartmentIds.Contains(d.Id))
            .OrderBy(d => d.Name).Select(d => new { d.Id, d.Name }).ToListAsync(cancellationToken);
        var managers = await PlanActions.ManagersOfAsync(db, id, cancellationToken);
        var managerNames = await db.Users.AsNoTracking().Where(u => managers.Contains(u.Id)).OrderBy(u => u.FullName)
            .Select(u => new { u.Id, u.FullName }).ToListAsync(cancellationToken);
        return new UserRecord(
            details.Id, details.FullName, details.Email, details.RoleId, details.Role,
            details.PrimaryDepartmentId, departments.FirstOrDefault(d => d.Id == details.PrimaryDepartmentId)?.Name,
            string.Join(", ", departments.Select(d => d.Name)),
            managerNames.FirstOrDefault()?.Id, string.Join(", ", managerNames.Select(m => m.FullName)),
            details.IsAdministrator, details.IsActive, details.Kind == UserKind.Integration, details.CreatedAt);
    }
}
