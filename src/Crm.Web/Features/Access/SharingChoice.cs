using System.Globalization;

namespace Crm.Web.Features.Access;

/// <summary>
/// The value of a "share with" or "records of" choice on the sharing pages: <c>user:{guid}</c>,
/// <c>group:{id}</c>, <c>role:{id}</c>, <c>role-below:{id}</c> (the role and the roles below it) or
/// <c>department:{id}</c>. An unreadable ID becomes one no row has, so the use case names the field.
/// </summary>
public sealed record SharingChoice(Guid? UserId, int? GroupId, int? RoleId, bool WithSubordinates, int? DepartmentId)
{
    public static SharingChoice Parse(string? value)
    {
        var (kind, id) = (value ?? "").Split(':', 2) is [var k, var v] ? (k, v) : ("", "");
        var number = int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        return kind switch
        {
            "user" => new(Guid.TryParse(id, out var user) ? user : Guid.Empty, null, null, false, null),
            "group" => new(null, number, null, false, null),
            "role" => new(null, null, number, false, null),
            "role-below" => new(null, null, number, true, null),
            "department" => new(null, null, null, false, number),
            _ => new(null, null, null, false, null),
        };
    }

    public static string Of(int? groupId, int? roleId, bool withSubordinates, int? departmentId) =>
        groupId is { } g ? $"group:{g}" : roleId is { } r ? $"{(withSubordinates ? "role-below" : "role")}:{r}" : departmentId is { } d ? $"department:{d}" : "";
}
