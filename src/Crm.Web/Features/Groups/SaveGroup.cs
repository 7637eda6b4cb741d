using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.WhatIf;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Groups;

public sealed record GroupInput(string? Name, string? Description, IReadOnlyCollection<Guid>? MemberIds);

/// <summary>Which fields of <see cref="GroupInput"/> to apply: all of them, or those a PATCH named.</summary>
[Flags]
public enum GroupFields
{
    None = 0,
    Name = 1,
    Description = 2,
    Members = 4,
    All = Name | Description | Members,
}

/// <summary>
/// Creates a group (<c>id</c> null) or changes its name, description and members. Grants are the
/// permission editor's business and are left as they are.
/// </summary>
public sealed class SaveGroup(CrmDb db, ActivityLog activity, PermissionWhatIf whatIf)
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    /// <summary>Far above any real group; stops a request from turning into an enormous IN list.</summary>
    public const int MaxMembers = 10_000;

    /// <summary>What saving this group (its members above all) would change for whom, without saving it (<c>?dryRun=true</c>, the page's Preview).</summary>
    public async Task<Result<WhatIfPreview>> PreviewAsync(Actor actor, int? id, GroupInput input, GroupFields fields, CancellationToken cancellationToken)
    {
        var name = id is null ? input.Name : await db.Groups.Where(g => g.Id == id).Select(g => g.Name).FirstOrDefaultAsync(cancellationToken);
        return await whatIf.RunAsync(actor, $"group {name}", async (inside, ct) => await inside.GetRequiredService<SaveGroup>().RunAsync(actor, id, input, fields, ct), cancellationToken);
    }

    public async Task<Result<GroupView>> RunAsync(Actor actor, int? id, GroupInput input, GroupFields fields, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<GroupView>.Forbidden(GroupMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<GroupView>.Forbidden(GroupMessages.NotInPreview);
        }

        Group? group = null;
        if (id is not null)
        {
            group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
            if (group is null)
            {
                return Result<GroupView>.NotFound();
            }
        }
        else
        {
            fields = GroupFields.All;
        }

        var name = fields.HasFlag(GroupFields.Name) ? input.Name?.Trim() : group!.Name;
        var description = fields.HasFlag(GroupFields.Description) ? NullIfBlank(input.Description) : group!.Description;
        var memberIds = fields.HasFlag(GroupFields.Members) ? (input.MemberIds ?? []).ToHashSet() : null;

        var errors = await ValidateAsync(id, name, description, memberIds, cancellationToken);
        if (errors.Any)
        {
            return Result<GroupView>.Invalid(errors);
        }

        var changes = new List<string>();
        if (group is null)
        {
            group = new Group { Name = name!, Description = description };
            db.Groups.Add(group);
        }
        else
        {
            if (!string.Equals(group.Name, name, StringComparison.Ordinal))
            {
                changes.Add($"name '{group.Name}' → '{name}'");
            }

            if (!string.Equals(group.Description, description, StringComparison.Ordinal))
            {
                changes.Add("description changed");
            }

            group.Name = name!;
            group.Description = description;
        }

        List<Guid> added = [], removed = [];
        if (memberIds is not null)
        {
            (added, removed) = await ApplyMembersAsync(group, id is null, memberIds, cancellationToken);
        }

        if (added.Count > 0)
        {
            changes.Add($"added {await NamesAsync(added, cancellationToken)}");
        }

        if (removed.Count > 0)
        {
            changes.Add($"removed {await NamesAsync(removed, cancellationToken)}");
        }

        if (id is null)
        {
            activity.Record(actor, ActivityKinds.GroupChanged,
                $"Created group '{name}' with {Members(memberIds!.Count)}" + (added.Count > 0 ? $": {await NamesAsync(added, cancellationToken)}." : "."));
        }
        else if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.GroupChanged, $"Changed group '{name}': {string.Join("; ", changes)}.");
        }
        else
        {
            return Result<GroupView>.Ok((await ReadGroup.LoadAsync(db, group.Id, cancellationToken))!);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A name taken, or a user deleted, by someone else between the check and the save:
            // answer as the check would have, and let anything else surface.
            db.ChangeTracker.Clear();
            var retry = await ValidateAsync(id, name, description, memberIds, cancellationToken);
            if (retry.Any)
            {
                return Result<GroupView>.Invalid(retry);
            }

            throw;
        }

        var saved = await ReadGroup.LoadAsync(db, group.Id, cancellationToken);
        return saved is null ? Result<GroupView>.NotFound() : Result<GroupView>.Ok(saved);
    }

    private async Task<FieldErrors> ValidateAsync(int? id, string? name, string? description, HashSet<Guid>? memberIds, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Text("name", "Name", name, NameMaxLength)
            .PlainText("name", "Name", name)
            .Text("description", "Description", description, DescriptionMaxLength, required: false)
            .PlainText("description", "Description", description, singleLine: false);

        if (!errors.Any)
        {
            // Few groups exist, so comparing in memory keeps "ignoring case" identical on every provider.
            var names = await db.Groups.Where(g => g.Id != id).Select(g => g.Name).ToListAsync(cancellationToken);
            if (names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } taken)
            {
                errors.Add("name", $"There is already a group called '{taken}'. Group names must be unique.");
            }
        }

        if (memberIds is { Count: > MaxMembers })
        {
            errors.Add("memberIds", $"A group can have at most {MaxMembers:N0} members.");
        }
        else if (memberIds is { Count: > 0 })
        {
            var known = await db.Users.Where(u => memberIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
            var unknown = memberIds.Except(known).ToList();
            if (unknown.Count > 0)
            {
                errors.Add("memberIds", unknown.Count == 1
                    ? $"There is no user with the id {unknown[0]}."
                    : $"There are no users with the ids {string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")}.");
            }
        }

        return errors;
    }

    private async Task<(List<Guid> Added, List<Guid> Removed)> ApplyMembersAsync(Group group, bool isNew, HashSet<Guid> wanted, CancellationToken cancellationToken)
    {
        var current = isNew
            ? []
            : await db.GroupMembers.Where(m => m.GroupId == group.Id).ToListAsync(cancellationToken);
        var removed = current.Where(m => !wanted.Contains(m.UserId)).ToList();
        db.GroupMembers.RemoveRange(removed);
        var have = current.Select(m => m.UserId).ToHashSet();
        var added = wanted.Where(u => !have.Contains(u)).ToList();
        group.Members.AddRange(added.Select(u => new GroupMember { UserId = u }));
        return (added, removed.Select(m => m.UserId).ToList());
    }

    /// <summary>People named for the activity log; a long list is cut short there anyway.</summary>
    private async Task<string> NamesAsync(List<Guid> userIds, CancellationToken cancellationToken)
    {
        var shown = userIds.Take(20).ToList();
        var names = await db.Users.Where(u => shown.Contains(u.Id))
            .Select(u => u.FullName == "" ? u.Email ?? "" : u.FullName)
            .ToListAsync(cancellationToken);
        names.Sort(StringComparer.CurrentCultureIgnoreCase);
        return string.Join(", ", names) + (userIds.Count > shown.Count ? $" and {userIds.Count - shown.Count} more" : "");
    }

    internal static string Members(int count) => count == 1 ? "1 member" : $"{count} members";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
