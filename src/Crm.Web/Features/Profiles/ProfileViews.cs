using Crm.Web.Features.Roles;

namespace Crm.Web.Features.Profiles;

/// <summary>A role built on a profile.</summary>
public sealed record ProfileRole(int Id, string Name);

/// <summary>A profile in the list: how many permissions it grants and which roles are built on it.</summary>
public sealed record ProfileRow(int Id, string Name, string? Description, int Grants, int FieldRules, IReadOnlyList<ProfileRole> Roles);

/// <summary>One profile with its grants, field rules, the roles built on it and how many people hold those roles.</summary>
public sealed record ProfileDetails(
    int Id, string Name, string? Description, IReadOnlyList<GrantInput> Grants, IReadOnlyList<FieldRuleInput> FieldRules, IReadOnlyList<ProfileRole> Roles, int Users);

/// <summary>A profile as saved: its name and description, and its whole grant matrix and field rules (what is not listed is not granted or restricted).</summary>
public sealed record ProfileInput(string? Name, string? Description, IReadOnlyList<GrantInput>? Grants = null, IReadOnlyList<FieldRuleInput>? FieldRules = null);
