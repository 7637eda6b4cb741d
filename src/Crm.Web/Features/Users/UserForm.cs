using System.ComponentModel.DataAnnotations;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>The fields of the add/edit user pages, bound from the form.</summary>
public sealed class UserForm
{
    [Display(Name = "Email (the sign-in)")]
    public string? Email { get; set; }

    [Display(Name = "Full name")]
    public string? FullName { get; set; }

    [Display(Name = "Role")]
    public int? RoleId { get; set; }

    public List<int> DepartmentIds { get; set; } = [];

    [Display(Name = "Primary department")]
    public int? PrimaryDepartmentId { get; set; }

    public List<int> GroupIds { get; set; } = [];

    [Display(Name = "Administrator (full access, permissions not checked)")]
    public bool IsAdministrator { get; set; }

    [Display(Name = "Language")]
    public string? Language { get; set; }

    [Display(Name = "Time zone")]
    public string? TimeZone { get; set; }

    [Display(Name = "Integration user (API tokens and webhooks only: no sign-in, no seat)")]
    public bool IsIntegration { get; set; }

    /// <summary>The administrator's own password, when making someone an administrator needs a fresh sign-in.</summary>
    public string? CurrentPassword { get; set; }

    public UserInput ToInput() =>
        new(Email, FullName, RoleId, DepartmentIds, PrimaryDepartmentId, GroupIds, IsAdministrator, Language, TimeZone,
            IsIntegration ? UserKind.Integration : UserKind.Person, CurrentPassword);

    public static UserForm From(UserDetails user) => new()
    {
        Email = user.Email,
        FullName = user.FullName,
        RoleId = user.RoleId,
        DepartmentIds = [.. user.DepartmentIds],
        PrimaryDepartmentId = user.PrimaryDepartmentId,
        GroupIds = [.. user.GroupIds],
        IsAdministrator = user.IsAdministrator,
        Language = user.Language,
        TimeZone = user.TimeZone,
        IsIntegration = user.Kind == UserKind.Integration,
    };
}

public sealed record Choice(int Id, string Name);

/// <summary>What the user form offers to pick from.</summary>
public sealed record UserFormChoices(IReadOnlyList<Choice> Roles, IReadOnlyList<Choice> Departments, IReadOnlyList<Choice> Groups)
{
    public static async Task<UserFormChoices> LoadAsync(CrmDb db, CancellationToken cancellationToken) => new(
        await db.Roles.OrderBy(r => r.Name).Select(r => new Choice(r.Id, r.Name)).ToListAsync(cancellationToken),
        await db.Departments.OrderBy(d => d.Name).Select(d => new Choice(d.Id, d.Name)).ToListAsync(cancellationToken),
        await db.Groups.OrderBy(g => g.Name).Select(g => new Choice(g.Id, g.Name)).ToListAsync(cancellationToken));
}
