using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Departments;

public sealed record DepartmentInput(string? Name, int? ParentId, string? Email);

/// <summary>Which fields of <see cref="DepartmentInput"/> to apply: all of them, or those a PATCH named.</summary>
[Flags]
public enum DepartmentFields
{
    None = 0,
    Name = 1,
    Parent = 2,
    Email = 4,
    All = Name | Parent | Email,
}

/// <summary>
/// Creates a department (<c>id</c> null) or changes one. The name is unique ignoring case, the
/// parent must exist and must not be the department itself or one of its sub-departments.
/// </summary>
public sealed class SaveDepartment(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 256;

    public async Task<Result<DepartmentView>> RunAsync(Actor actor, int? id, DepartmentInput input, DepartmentFields fields, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<DepartmentView>.Forbidden(DepartmentMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<DepartmentView>.Forbidden(DepartmentMessages.NotInPreview);
        }

        Department? department = null;
        if (id is not null)
        {
            department = await db.Departments.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
            if (department is null)
            {
                return Result<DepartmentView>.NotFound();
            }
        }
        else
        {
            fields = DepartmentFields.All;
        }

        var name = fields.HasFlag(DepartmentFields.Name) ? input.Name?.Trim() : department!.Name;
        var parentId = fields.HasFlag(DepartmentFields.Parent) ? input.ParentId : department!.ParentId;
        var email = fields.HasFlag(DepartmentFields.Email) ? NullIfBlank(input.Email) : department!.Email;

        var tree = await DepartmentTree.LoadAsync(db, cancellationToken);
        var errors = Validate(tree, id, name, parentId, email);
        if (errors.Any)
        {
            return Result<DepartmentView>.Invalid(errors);
        }

        string summary;
        if (department is null)
        {
            department = new Department { Name = name!, ParentId = parentId, Email = email, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Departments.Add(department);
            summary = $"Created department '{name}'" + (parentId is { } p ? $" under '{tree.NameOf(p)}'" : " at the top level")
                + (email is null ? "" : $", email {email}") + ".";
        }
        else
        {
            var changes = Describe(tree, department, name!, parentId, email);
            if (changes.Count == 0)
            {
                return Result<DepartmentView>.Ok(tree.Find(department.Id)!);
            }

            summary = $"Changed department '{department.Name}': {string.Join("; ", changes)}.";
            department.Name = name!;
            department.ParentId = parentId;
            department.Email = email;
        }

        activity.Record(actor, ActivityKinds.DepartmentChanged, summary);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another administrator may have taken the name (or removed the parent) between the
            // check and the save: answer as the check would have, and let anything else surface.
            db.ChangeTracker.Clear();
            var retry = Validate(await DepartmentTree.LoadAsync(db, cancellationToken), id, name, parentId, email);
            if (retry.Any)
            {
                return Result<DepartmentView>.Invalid(retry);
            }

            throw;
        }

        var saved = (await DepartmentTree.LoadAsync(db, cancellationToken)).Find(department.Id);
        return saved is null ? Result<DepartmentView>.NotFound() : Result<DepartmentView>.Ok(saved);
    }

    private static FieldErrors Validate(DepartmentTree tree, int? id, string? name, int? parentId, string? email)
    {
        var errors = new FieldErrors()
            .Text("name", "Name", name, NameMaxLength)
            .PlainText("name", "Name", name);
        if (!errors.Any && tree.NameTakenBy(name!, id) is { } taken)
        {
            errors.Add("name", $"There is already a department called '{taken}'. Department names must be unique.");
        }

        if (email is not null)
        {
            errors.Email("email", "Email", email);
        }

        if (parentId is { } parent)
        {
            if (!tree.Contains(parent))
            {
                errors.Add("parentId", "The parent department does not exist (it may have been deleted). Choose another one.");
            }
            else if (id is { } self && parent == self)
            {
                errors.Add("parentId", "A department cannot be its own parent.");
            }
            else if (id is { } moved && tree.IsSelfOrAncestor(moved, parent))
            {
                errors.Add("parentId",
                    $"'{tree.NameOf(parent)}' is inside '{tree.NameOf(moved)}': a department cannot be placed under one of its own sub-departments.");
            }
        }

        return errors;
    }

    private static List<string> Describe(DepartmentTree tree, Department department, string name, int? parentId, string? email)
    {
        var changes = new List<string>();
        if (!string.Equals(department.Name, name, StringComparison.Ordinal))
        {
            changes.Add($"name '{department.Name}' → '{name}'");
        }

        if (department.ParentId != parentId)
        {
            changes.Add($"parent {ParentName(tree, department.ParentId)} → {ParentName(tree, parentId)}");
        }

        if (!string.Equals(department.Email, email, StringComparison.Ordinal))
        {
            changes.Add($"email {department.Email ?? "none"} → {email ?? "none"}");
        }

        return changes;
    }

    private static string ParentName(DepartmentTree tree, int? parentId) =>
        parentId is { } p && tree.Contains(p) ? $"'{tree.NameOf(p)}'" : "top level";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
