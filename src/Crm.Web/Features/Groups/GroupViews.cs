namespace Crm.Web.Features.Groups;

/// <summary>A line of the groups list.</summary>
public sealed record GroupSummary(int Id, string Name, string? Description, int MemberCount, int GrantCount);

/// <summary>A group with its members, as the edit form and the API show it.</summary>
public sealed record GroupView(int Id, string Name, string? Description, IReadOnlyList<GroupMemberView> Members, int GrantCount);

public sealed record GroupMemberView(Guid UserId, string FullName, string Email, bool IsActive);

internal static class GroupMessages
{
    public const string AdministratorsOnly = "Only administrators manage groups.";
    public const string NotInPreview = "Nothing can be changed while previewing the CRM as another user.";
}
