using Crm.Web.Records;

namespace Crm.Web.Features.Vault;

/// <summary>A category as the administration and the API show it, with its entry count and grants.</summary>
[ApiSchemaName("VaultCategory")]
public sealed record VaultCategoryView(int Id, string Name, int RotationDays, int Entries, IReadOnlyList<VaultGrantView> Grants);

/// <summary>A category's fields as the API's body and the form give them; no interval means the default year.</summary>
[ApiSchemaName("VaultCategoryInput")]
public sealed record VaultCategoryInput(string? Name, int? RotationDays);

/// <summary>
/// A grant as the API's body gives it: exactly one of <see cref="UserId"/>, <see cref="GroupId"/>,
/// <see cref="RoleId"/> (with <see cref="WithSubordinates"/>) or <see cref="DepartmentId"/>, and
/// <see cref="Access"/> "view" or "edit".
/// </summary>
[ApiSchemaName("VaultGrantInput")]
public sealed record VaultGrantInput(Guid? UserId, int? GroupId, int? RoleId, bool? WithSubordinates, int? DepartmentId, string? Access);
