using System.Runtime.CompilerServices;
using Crm.Web.Data;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>Who may receive records from whom, and which department an owner stamps on them.</summary>
public static class Owners
{
    // The runs that hold their owners' facts (see HoldFactsInTransaction), by the CrmDb they run on.
    private static readonly ConditionalWeakTable<CrmDb, HeldFacts> s_held = [];

    /// <summary>The owner's full name as a record's page shows it ("" for a user no longer there).</summary>
    public static async Task<string> NameAsync(CrmDb db, Guid ownerId, CancellationToken cancellationToken) =>
        s_held.TryGetValue(db, out var held)
            ? (await held.UserAsync(db, ownerId, cancellationToken))?.FullName ?? ""
            : await db.Users.Where(u => u.Id == ownerId).Select(u => u.FullName).FirstOrDefaultAsync(cancellationToken) ?? "";

    /// <summary>The owner's primary department, stamped on records they receive; null if they have none.</summary>
    public static async Task<int?> DepartmentOfAsync(CrmDb db, Guid ownerId, CancellationToken cancellationToken) =>
        s_held.TryGetValue(db, out var held)
            ? (await held.UserAsync(db, ownerId, cancellationToken))?.DepartmentId
            : await db.UserDepartments.Where(m => m.UserId == ownerId && m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Until the result is disposed, the owner checks on <paramref name="db"/> read each user (active, role,
    /// name, primary department) and the roles once, and answer every later question from what they read
    /// (an import's thousands of rows name a handful of owners; ADR 0053). Only exact inside a transaction
    /// that nobody can change those rows under: SQLite's holds the write lock; on PostgreSQL each read
    /// takes FOR SHARE locks on the rows it read (the user, their memberships, the roles), so a deactivation,
    /// a new role or department, or a changed role rule waits for the caller's commit.
    /// </summary>
    public static IDisposable HoldFactsInTransaction(CrmDb db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Owners' facts are held only inside a transaction, which keeps them true.");
        }

        var held = new HeldFacts();
        s_held.AddOrUpdate(db, held);
        return HeldFacts.Until(() => s_held.Remove(db));
    }

    /// <summary>
    /// Why <paramref name="receiverId"/> cannot receive records from the actor, or null if they can:
    /// the receiver must exist and be active, and fit the actor's role rule "may assign records to"
    /// (any user; users of the same role or below; users of a role below). Taking a record oneself is
    /// always allowed by the rule (the action's own permission still applies).
    /// </summary>
    public static async Task<string?> ReceiverProblemAsync(CrmDb db, Actor actor, Guid receiverId, CancellationToken cancellationToken)
    {
        s_held.TryGetValue(db, out var held);
        var receiver = held is not null
            ? await held.UserAsync(db, receiverId, cancellationToken)
            : await db.Users.AsNoTracking().Where(u => u.Id == receiverId)
                .Select(u => new HeldUser(u.Id, u.IsActive, u.RoleId, u.FullName, null)).FirstOrDefaultAsync(cancellationToken);
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

        var actorRole = held is not null
            ? actor.UserId is { } actorId ? (await held.UserAsync(db, actorId, cancellationToken))?.RoleId : null
            : await db.Users.Where(u => u.Id == actor.UserId).Select(u => (int?)u.RoleId).FirstOrDefaultAsync(cancellationToken);
        if (actorRole is null)
        {
            return "You cannot assign records.";
        }

        var roles = held is not null ? await held.RolesAsync(db, cancellationToken) : await HeldFacts.ReadRolesAsync(db.Roles, cancellationToken);
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

/// <summary>What the owner checks know of one user; the department only when read for a held run.</summary>
internal sealed record HeldUser(Guid Id, bool IsActive, int RoleId, string FullName, int? DepartmentId);

internal sealed record HeldRole(int Id, int? ParentId, string Name, AssignRecordsTo AssignRecordsTo);

/// <summary>The users and roles one run's owner checks have read (and, on PostgreSQL, locked until its transaction ends).</summary>
internal sealed class HeldFacts
{
    private readonly Dictionary<Guid, HeldUser?> _users = [];
    private List<HeldRole>? _roles;

    public async Task<HeldUser?> UserAsync(CrmDb db, Guid id, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(id, out var user))
        {
            if (db.Database.IsNpgsql())
            {
                // FOR SHARE on the user's row and memberships: a deactivation, a new role or a change of
                // departments waits for the run's commit (a user's edit updates the user row first, so it
                // waits before touching memberships). Two statements, since an outer join cannot be locked;
                // once per user of the run, not per row.
                // Single: the key is in the SQL, where EF cannot see it, and First would warn of a pick without an order.
                user = await db.Users.FromSql($"""SELECT * FROM "Users" WHERE "Id" = {id} FOR SHARE""").AsNoTracking()
                    .Select(u => new HeldUser(u.Id, u.IsActive, u.RoleId, u.FullName, null)).SingleOrDefaultAsync(cancellationToken);
                if (user is not null)
                {
                    var primary = await db.UserDepartments.FromSql($"""SELECT * FROM "UserDepartments" WHERE "UserId" = {id} FOR SHARE""").AsNoTracking()
                        .Where(m => m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefaultAsync(cancellationToken);
                    user = user with { DepartmentId = primary };
                }
            }
            else
            {
                user = await db.Users.AsNoTracking().Where(u => u.Id == id)
                    .Select(u => new HeldUser(u.Id, u.IsActive, u.RoleId, u.FullName,
                        db.UserDepartments.Where(m => m.UserId == u.Id && m.IsPrimary).Select(m => (int?)m.DepartmentId).FirstOrDefault()))
                    .FirstOrDefaultAsync(cancellationToken);
            }

            _users[id] = user;
        }

        return user;
    }

    public async Task<List<HeldRole>> RolesAsync(CrmDb db, CancellationToken cancellationToken) =>
        _roles ??= await ReadRolesAsync(db.Database.IsNpgsql() ? db.Roles.FromSql($"""SELECT * FROM "Roles" FOR SHARE""") : db.Roles, cancellationToken);

    public static Task<List<HeldRole>> ReadRolesAsync(IQueryable<Role> roles, CancellationToken cancellationToken) =>
        roles.AsNoTracking().Select(r => new HeldRole(r.Id, r.ParentId, r.Name, r.AssignRecordsTo)).ToListAsync(cancellationToken);

    public static IDisposable Until(Action end) => new Ending(end);

    private sealed class Ending(Action end) : IDisposable
    {
        public void Dispose() => end();
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
