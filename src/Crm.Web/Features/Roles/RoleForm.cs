using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Features.Roles;

/// <summary>The role details form (name, description, reports to, assignment rule).</summary>
public sealed class RoleForm
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public int? ParentId { get; set; }
    public AssignRecordsTo AssignRecordsTo { get; set; } = AssignRecordsTo.SameRoleOrBelow;
    public int? MaxExportRows { get; set; }

    public RoleInput ToInput() => new(Name, Description, ParentId, AssignRecordsTo, MaxExportRows);
}

public sealed record RoleFieldsModel(RoleForm Form, IReadOnlyList<RoleRow> Roles, int? EditingRoleId, ModelStateDictionary ModelState)
{
    public string? Error(string key) =>
        ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage)) : null;

    public static string Describe(AssignRecordsTo rule) => rule switch
    {
        AssignRecordsTo.AnyUser => "Any user",
        AssignRecordsTo.SameRoleOrBelow => "Users of the same role or below",
        _ => "Only users of roles below",
    };
}
