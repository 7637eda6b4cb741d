using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Departments;

/// <summary>
/// Deletes an empty department. One with sub-departments or members is refused: moving people
/// and units is a decision the administrator makes, not a side effect of a delete.
/// </summary>
public sealed class DeleteDepartment(CrmDb db, ActivityLog activity)
{
    public async Task<Result> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result.Forbidden(DepartmentMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result.Forbidden(DepartmentMessages.NotInPreview);
        }

        var department = await db.Departments.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (department is null)
        {
            return Result.NotFound();
        }

        if (await BlockerAsync(department, cancellationToken) is { } blocked)
        {
            return Result.Conflict(blocked);
        }

        db.Departments.Remove(department);
        activity.Record(actor, ActivityKinds.DepartmentChanged, $"Deleted department '{department.Name}'.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A member or sub-department added since the check: the foreign key refused the delete.
            db.ChangeTracker.Clear();
            if (await BlockerAsync(department, cancellationToken) is { } blockedNow)
            {
                return Result.Conflict(blockedNow);
            }

            throw;
        }

        return Result.Ok();
    }

    /// <summary>Why the department cannot be deleted, in a sentence; null when it can.</summary>
    private async Task<string?> BlockerAsync(Department department, CancellationToken cancellationToken)
    {
        var subDepartments = await db.Departments.CountAsync(d => d.ParentId == department.Id, cancellationToken);
        var members = await db.UserDepartments.CountAsync(m => m.DepartmentId == department.Id, cancellationToken);
        return DescribeBlockers(department.Name, subDepartments, members);
    }

    public static string? DescribeBlockers(string name, int subDepartments, int members)
    {
        if (subDepartments == 0 && members == 0)
        {
            return null;
        }

        var what = new List<string>();
        if (subDepartments > 0)
        {
            what.Add(subDepartments == 1 ? "1 sub-department" : $"{subDepartments} sub-departments");
        }

        if (members > 0)
        {
            what.Add(members == 1 ? "1 member" : $"{members} members");
        }

        return $"'{name}' cannot be deleted while it has {string.Join(" and ", what)}. Move them to another department first.";
    }
}
