using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

public sealed record UserRow(
    Guid Id, string FullName, string Email, string Role, bool IsActive, bool IsAdministrator,
    DateTime? LastSignInAt, DateTime CreatedAt, IReadOnlyList<string> Departments, bool IsIdle, UserKind Kind);

public enum UserStatusFilter
{
    Active,
    Inactive,
    All,
}

public sealed record UserListQuery(string? Search, UserStatusFilter Status = UserStatusFilter.Active, bool IdleOnly = false);

/// <summary>The people of the organisation, for administrators; idle means no sign-in for 90 days.</summary>
public sealed class ListUsers(CrmDb db, TimeProvider clock)
{
    public static readonly TimeSpan IdleAfter = TimeSpan.FromDays(90);

    public async Task<Result<IReadOnlyList<UserRow>>> RunAsync(Actor actor, UserListQuery query, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<UserRow>>.Forbidden("Only administrators can list users.");
        }

        var idleSince = clock.GetUtcNow().UtcDateTime - IdleAfter;
        var users = db.Users.AsNoTracking();
        users = query.Status switch
        {
            UserStatusFilter.Active => users.Where(u => u.IsActive),
            UserStatusFilter.Inactive => users.Where(u => !u.IsActive),
            _ => users,
        };

        if (!string.IsNullOrWhiteSpace(query.Search) && query.Search.Length <= TextSearch.SearchMaxLength)
        {
            var search = query.Search.Trim().ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL UPPER(...) LIKE: no .NET culture is involved.
            users = users.Where(u => u.NormalizedEmail!.Contains(search) || u.FullName.ToUpper().Contains(search));
#pragma warning restore CA1304, CA1311, CA1862
        }

        if (query.IdleOnly)
        {
            users = users.Where(u => u.IsActive && !u.IsIntegration && (u.LastSignInAt == null ? u.CreatedAt < idleSince : u.LastSignInAt < idleSince));
        }

        var rows = await users
            .OrderBy(u => u.FullName).ThenBy(u => u.Email)
            .Take(1000)
            .Select(u => new
            {
                u.Id,
                u.FullName,
                u.Email,
                Role = db.Roles.Where(r => r.Id == u.RoleId).Select(r => r.Name).FirstOrDefault(),
                u.IsActive,
                u.IsAdministrator,
                u.IsIntegration,
                u.LastSignInAt,
                u.CreatedAt,
                Departments = db.UserDepartments.Where(m => m.UserId == u.Id).OrderByDescending(m => m.IsPrimary).Select(m => m.Department!.Name).ToList(),
            })
            .ToListAsync(cancellationToken);

        return Result<IReadOnlyList<UserRow>>.Ok(rows.Select(u => new UserRow(
            u.Id, u.FullName, u.Email ?? "", u.Role ?? "", u.IsActive, u.IsAdministrator, u.LastSignInAt, u.CreatedAt, u.Departments,
            u.IsActive && !u.IsIntegration && (u.LastSignInAt ?? u.CreatedAt) < idleSince,
            u.IsIntegration ? UserKind.Integration : UserKind.Person)).ToList());
    }
}
