using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Records;

/// <summary>
/// How the CRM object features ask the permission engine about their records: the row filter
/// (with shares) for lists, and the facts of one record for a decision. Lists and detail pages
/// both go through here, so a record a list hides is also a 404 on its own page.
/// </summary>
public sealed class RecordAccess(CrmDb db, Security.Permissions.Access access, PermissionEngine engine)
{
    public Task<PermissionSubject?> SubjectAsync(Actor actor, CancellationToken cancellationToken) =>
        access.SubjectAsync(actor, cancellationToken);

    /// <summary>The records of <paramref name="module"/> the actor may view, as SQL.</summary>
    public async Task<Expression<Func<T, bool>>> VisibleAsync<T>(Actor actor, string module, CancellationToken cancellationToken)
        where T : class, IOwnedRecord
    {
        if (actor.Kind == ActorKind.System)
        {
            return _ => true;
        }

        var subject = await access.SubjectAsync(actor, cancellationToken);
        if (subject is null)
        {
            return _ => false;
        }

        var userId = subject.UserId;
        var groups = subject.GroupIds.ToList();
        var departments = subject.DepartmentIds.ToList();
        Expression<Func<T, bool>> shared = r => db.RecordShares.Any(s => s.Module == module && s.RecordId == r.Id
            && (s.UserId == userId || (s.GroupId != null && groups.Contains(s.GroupId.Value)) || (s.DepartmentId != null && departments.Contains(s.DepartmentId.Value))));
        return OwnedRecordFilter.OnColumns(engine.VisibleTo(subject, module, shared));
    }

    /// <summary>The facts the engine decides on for one record, with the shares that reach it.</summary>
    public async Task<RecordFacts> FactsAsync(string module, int id, Guid ownerId, int? departmentId, CancellationToken cancellationToken)
    {
        var shares = await db.RecordShares.AsNoTracking().Where(s => s.Module == module && s.RecordId == id).ToListAsync(cancellationToken);
        return new RecordFacts(module, id, ownerId, departmentId ?? 0)
        {
            Shares = shares.Select(s => new RecordShare(
                s.UserId is not null ? ShareTarget.User : s.GroupId is not null ? ShareTarget.Group : ShareTarget.Department,
                s.UserId, s.GroupId, s.DepartmentId, s.Access)).ToList(),
        };
    }

    public Task<PermissionDecision> DecideAsync(Actor actor, string module, string action, RecordFacts? record, CancellationToken cancellationToken) =>
        access.DecideAsync(actor, module, action, record, cancellationToken);

    /// <summary>Which fields of the module the actor may see (export leaves hidden ones out).</summary>
    public async Task<FieldPermissions> FieldsAsync(Actor actor, string module, CancellationToken cancellationToken) =>
        actor.Kind == ActorKind.System || await access.SubjectAsync(actor, cancellationToken) is not { } subject
            ? FieldPermissions.Unrestricted
            : engine.Fields(subject, module);
}

/// <summary>
/// The engine's row filter speaks <see cref="IOwnedRecord"/>; records keep their department as a
/// nullable column. This rewrites the interface members to the entity's own mapped properties,
/// so EF Core translates <c>DepartmentId IN (...)</c> on the indexed column (a NULL matches none).
/// </summary>
public static class OwnedRecordFilter
{
    public static Expression<Func<T, bool>> OnColumns<T>(Expression<Func<T, bool>> filter) =>
        (Expression<Func<T, bool>>)new ToColumns(typeof(T)).Visit(filter);

    private sealed class ToColumns(Type entity) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Member.DeclaringType == typeof(IOwnedRecord) && node.Expression is { } target && target.Type == entity)
            {
                var property = entity.GetProperty(node.Member.Name)
                    ?? throw new InvalidOperationException($"{entity.Name} has no property {node.Member.Name}.");
                Expression column = Expression.Property(Visit(target), property);
                return column.Type == node.Type ? column : Expression.Convert(column, node.Type);
            }

            return base.VisitMember(node);
        }
    }
}
