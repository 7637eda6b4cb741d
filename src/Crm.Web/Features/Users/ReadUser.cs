using Crm.Web.Data;
using Crm.Web.Features.Roles;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

public sealed record UserDetails(
    Guid Id, string FullName, string Email, int RoleId, string Role, bool IsActive, bool IsAdministrator,
    string? Language, string? TimeZone, DateTime CreatedAt, DateTime? LastSignInAt,
    IReadOnlyList<int> DepartmentIds, int? PrimaryDepartmentId, IReadOnlyList<int> GroupIds, bool HasPassword)
{
    /// <summary>A person, or an integration user (no sign-in, no seat).</summary>
    public UserKind Kind { get; init; }

    /// <summary>Individual permissions that win over the role and groups.</summary>
    public IReadOnlyList<GrantInput> Overrides { get; init; } = [];
}

/// <summary>One user, as the administrator's user page and the API show it.</summary>
public sealed class ReadUser(CrmDb db)
{
    public async Task<Result<UserDetails>> RunAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<UserDetails>.Forbidden("Only administrators can see other users' accounts.");
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new
        {
            u.Id, u.FullName, u.Email, u.RoleId,
            Role = db.Roles.Where(r => r.Id == u.RoleId).Select(r => r.Name).FirstOrDefault(),
            u.IsActive, u.IsAdministrator, u.Language, u.TimeZone, u.CreatedAt, u.LastSignInAt,
            Departments = db.UserDepartments.Where(m => m.UserId == u.Id).Select(m => new { m.DepartmentId, m.IsPrimary }).ToList(),
            Groups = db.GroupMembers.Where(m => m.UserId == u.Id).Select(m => m.GroupId).ToList(),
            HasPassword = u.PasswordHash != null,
            u.IsIntegration,
            Overrides = db.PermissionOverrides.Where(o => o.UserId == u.Id).Select(o => new GrantInput(o.Module, o.Action, o.Scope)).ToList(),
        }).FirstOrDefaultAsync(cancellationToken);

        return user is null
            ? Result<UserDetails>.NotFound()
            : Result<UserDetails>.Ok(new UserDetails(
                user.Id, user.FullName, user.Email ?? "", user.RoleId, user.Role ?? "", user.IsActive, user.IsAdministrator,
                user.Language, user.TimeZone, user.CreatedAt, user.LastSignInAt,
                user.Departments.Select(d => d.DepartmentId).ToList(), user.Departments.FirstOrDefault(d => d.IsPrimary)?.DepartmentId,
                user.Groups, user.HasPassword)
            {
                Overrides = user.Overrides,
                Kind = user.IsIntegration ? UserKind.Integration : UserKind.Person,
            });
    }
}
