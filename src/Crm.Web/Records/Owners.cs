using Crm.Web.Data;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>Who may receive records from whom, and which department an owner stamps on them.</summary>
public static class Owners
{
    /// <summary>The owner's full name as a record's page shows it ("" for a user no longer there).</summary>
    public static async Task<string> NameAsync(CrmDb db, Guid ownerId, CancellationToken cancellationToken) =>
        await db.Users.Where(u => u.Id == ownerId).Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken) ?? "";

    /// <summary>The owner's primary department, stamped on records they receive; null if they have none.</summary>
    public static Task<int?> DepartmentOfAsync(CrmDb db, Guid ownerId, CancellationToken cancellationToken) =>
        db.UserDepartments.Where(m => m.UserId == ownerId && m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Why <paramref name="receiverId"/> cannot receive records from the actor, or null if they can:
    /// the receiver must exist and be active, and fit the actor's role rule "may assign records to"
    /// (any user; users of the same role or below; users of a role below). Taking a record oneself is
    /// always allowed by the rule (the action's own permission still applies).
    /// </summary>
    public static async Task<string?> ReceiverProblemAsync(CrmDb db, Actor actor, Guid receiverId, CancellationToken cancellationToken)
    {
        var receiver = await db.Users.AsNoTracking().Where(u => u.Id == receiverId)
            .Select(u => new { u.Id, u.IsActive, u.RoleId, u.FullName }).FirstOrDefaultAsync(cancellationToken);
        if (receiver is null)
        {
            return "The new owner does not exist. Choose an active user.";
        }

        if (!receiver.IsActive)
        {
            return $"{receiver.FullName} is deactivated and cannot own records. Choose an active user.";
        }

        if (actor.IsAdministrator || actor.UserId == receiver.Id)
        {
            return null;
        }

        var actorRole = await db.Users.Where(u => u.Id == actor.UserId).Select(u => (int?)u.RoleId).FirstOrDefaultAsync(cancellationToken);
        if (actorRole is null)
        {
            return "You cannot assign records.";
        }

        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.ParentId, r.Name, r.AssignRecordsTo }).ToListAsync(cancellationToken);
        var own = roles.First(r => r.Id == actorRole);
        var below = PermissionSubjects.Descendants(own.Id, roles.Select(r => (r.Id, r.ParentId)));
        return own.AssignRecordsTo switch
        {
            AssignRecordsTo.AnyUser => null,
            AssignRecordsTo.SameRoleOrBelow when receiver.RoleId == own.Id || below.Contains(receiver.RoleId) => null,
            AssignRecordsTo.SubordinatesOnly when below.Contains(receiver.RoleId) => null,
            AssignRecordsTo.SameRoleOrBelow => $"Your role '{own.Name}' may assign records only to users of the same role or a role below it; {receiver.FullName} is not one of them.",
            _ => $"Your role '{own.Name}' may assign records only to users of a role below it; {receiver.FullName} is not one of them.",
        };
    }
}

/// <summary>An active user offered as a new owner (the use case still checks the role rule).</summary>
public sealed record OwnerChoice(Guid Id, string Name);

public static class OwnerChoices
{
    public static Task<List<OwnerChoice>> ActiveAsync(CrmDb db, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.FullName).ThenBy(u => u.Id)
            .Select(u => new OwnerChoice(u.Id, u.FullName)).ToListAsync(cancellationToken);
}
