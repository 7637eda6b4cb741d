using Crm.Web.Features.Access;
using Crm.Web.Records;

namespace Crm.Web.Features.Vault;

/// <summary>One option of the "grant to" list of the vault's pages: its group (Users, Groups…), value (<see cref="SharingChoice"/>) and label.</summary>
public sealed record VaultGrantChoice(string Group, string Value, string Label);

/// <summary>The grant form of the entry and category pages: whom one can grant, and the form's values as the use case's input.</summary>
public static class VaultGrantChoices
{
    public static async Task<IReadOnlyList<VaultGrantChoice>> LoadAsync(SharedRecords records, CancellationToken cancellationToken)
    {
        var targets = await records.TargetsAsync(cancellationToken);
        return
        [
            .. targets.Users.Select(u => new VaultGrantChoice("Users", $"user:{u.Key}", u.Value)),
            .. targets.Groups.Select(g => new VaultGrantChoice("Groups", $"group:{g.Key}", g.Value)),
            .. targets.Roles.SelectMany(r => new[]
            {
                new VaultGrantChoice("Roles", $"role:{r.Key}", r.Value),
                new VaultGrantChoice("Roles", $"role-below:{r.Key}", $"{r.Value} and the roles below it"),
            }),
            .. targets.Departments.Select(d => new VaultGrantChoice("Departments", $"department:{d.Key}", d.Value)),
        ];
    }

    /// <summary>The form's "grant to" choice and access as the API's body would give them.</summary>
    public static VaultGrantInput ToInput(string? grantTo, string? access)
    {
        var choice = SharingChoice.Parse(grantTo);
        return new VaultGrantInput(choice.UserId, choice.GroupId, choice.RoleId, choice.WithSubordinates, choice.DepartmentId, access);
    }
}
