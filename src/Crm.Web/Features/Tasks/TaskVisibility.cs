using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Tasks;

/// <summary>
/// Who sees and changes a task. The owner is the creator (or whoever it was transferred to), so
/// the engine's scopes apply as for every record. On top of that a responsible user always sees
/// the tasks they are responsible for and may edit them (to move them on or mark them done): the
/// same answer in SQL for lists and for one task, so a list never shows what a page refuses.
/// </summary>
public sealed class TaskVisibility(CrmDb db, RecordAccess access)
{
    public Task<Expression<Func<CrmTask, bool>>> RowFilterAsync(Actor actor, CancellationToken cancellationToken) =>
        access.VisibleAsync<CrmTask>(actor, CrmModules.Tasks.Key, me => new RowRules<CrmTask>(new Dictionary<string, Expression<Func<CrmTask, bool>>>())
        {
            AlsoVisible = t => db.TaskResponsibles.Any(r => r.TaskId == t.Id && r.UserId == me),
        }, cancellationToken);

    public async Task<TaskRights?> RightsAsync(Actor actor, CrmTask task, CancellationToken cancellationToken)
    {
        var module = CrmModules.Tasks.Key;
        var facts = await access.FactsAsync(module, task.Id, task.OwnerId, task.DepartmentId, cancellationToken);
        var responsible = actor.UserId is { } me && await db.TaskResponsibles.AnyAsync(r => r.TaskId == task.Id && r.UserId == me, cancellationToken);
        if (!responsible && !(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return null;
        }

        var edit = responsible || (await access.DecideAsync(actor, module, PermissionAction.Edit, facts, cancellationToken)).Allowed;
        var delete = (await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed;
        return new TaskRights(!actor.IsPreview && edit, !actor.IsPreview && delete);
    }
}

public sealed record TaskRights(bool Edit, bool Delete);
