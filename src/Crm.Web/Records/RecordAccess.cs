using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// How the CRM object features ask the permission engine about their records: the row filter
/// (with shares) for lists, and the facts of one record for a decision. Lists and detail pages
/// both go through here, so a record a list hides is also a 404 on its own page.
/// </summary>
public sealed class RecordAccess(CrmDb db, Security.Permissions.Access access, PermissionEngine engine, TimeProvider clock)
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

        return OwnedRecordFilter.OnColumns(engine.VisibleTo(subject, module, SharedWith<T>(subject, module)));
    }

    /// <summary>
    /// The row filter of a module whose rules need record facts (a memo's author, a task's
    /// responsible users): <paramref name="rules"/> gives, for the subject's user ID, the SQL
    /// condition of each rule, anything the feature adds to the engine's view answer
    /// (<see cref="RowRules{T}.AlsoVisible"/>), and a condition every visible row must meet
    /// (<see cref="RowRules{T}.OnlyIf"/>, e.g. "a draft only for its author").
    /// </summary>
    public async Task<Expression<Func<T, bool>>> VisibleAsync<T>(Actor actor, string module, Func<Guid, RowRules<T>> rules, CancellationToken cancellationToken)
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

        var row = rules(subject.UserId);
        var visible = OwnedRecordFilter.OnColumns(engine.VisibleTo(subject, module, SharedWith<T>(subject, module), row.Conditions));
        if (row.AlsoVisible is { } also)
        {
            visible = RowFilters.Or(visible, also);
        }

        return row.OnlyIf is { } only ? RowFilters.And(visible, only) : visible;
    }

    /// <summary>
    /// "A share of the row reaches the subject", as SQL: one that has not ended and names them, one of
    /// their groups or departments, their role, or a role above theirs "with subordinates". It says
    /// what <see cref="RecordShare.Reaches"/> says, over the rows of RecordShares.
    /// </summary>
    private Expression<Func<T, bool>> SharedWith<T>(PermissionSubject subject, string module)
        where T : class, IOwnedRecord
    {
        // Captured locals become query parameters, so one plan serves every caller.
        var userId = subject.UserId;
        var groups = subject.GroupIds.ToList();
        var departments = subject.DepartmentIds.ToList();
        var role = subject.RoleId ?? 0;
        var rolesAbove = subject.RolesAbove.ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        return r => db.RecordShares.Any(s => s.Module == module && s.RecordId == r.Id && (s.EndsAt == null || s.EndsAt > now)
            && (s.UserId == userId
                || (s.GroupId != null && groups.Contains(s.GroupId.Value))
                || (s.DepartmentId != null && departments.Contains(s.DepartmentId.Value))
                || (s.RoleId != null && (s.RoleId == role || (s.WithSubordinates && rolesAbove.Contains(s.RoleId.Value))))));
    }

    /// <summary>
    /// Record <paramref name="id"/> of <paramref name="module"/> as a read use case opens it: not
    /// found, or hidden from the actor, is the same 404; else the record (untracked) and what the
    /// actor may do with it (nothing while previewing as another user).
    /// </summary>
    public async Task<Result<RecordRead<T>>> ReadAsync<T>(Actor actor, string module, int id, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        var record = await db.Set<T>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (record is null)
        {
            return Result<RecordRead<T>>.NotFound();
        }

        var facts = await FactsAsync(module, record.Id, record.OwnerId, record.DepartmentId, cancellationToken);
        var view = await DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken);
        if (!view.Allowed)
        {
            // Its user may see the record, so its existence is no secret from the token: say what refused.
            return view.RefusedByTokenScope ? Result<RecordRead<T>>.Forbidden(TokenScopeRefusal(module, PermissionAction.View)) : Result<RecordRead<T>>.NotFound();
        }

        return Result<RecordRead<T>>.Ok(new RecordRead<T>(record,
            async (action, ct) => !actor.IsPreview && (await DecideAsync(actor, module, action, facts, ct)).Allowed));
    }

    /// <summary>The facts the engine decides on for one record, with its shares that have not ended.</summary>
    public async Task<RecordFacts> FactsAsync(string module, int id, Guid ownerId, int? departmentId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var shares = await db.RecordShares.AsNoTracking().Where(s => s.Module == module && s.RecordId == id && (s.EndsAt == null || s.EndsAt > now))
            .ToListAsync(cancellationToken);
        return new RecordFacts(module, id, ownerId, departmentId ?? 0) { Shares = [.. shares.Select(s => s.ToEngine())] };
    }

    /// <summary>The facts of several records of one module, with their shares read in one query.</summary>
    public async Task<IReadOnlyList<RecordFacts>> FactsAsync(string module, IReadOnlyCollection<(int Id, Guid OwnerId, int? DepartmentId)> records, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.Id).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var shares = ids.Count == 0 ? [] : await db.RecordShares.AsNoTracking()
            .Where(s => s.Module == module && ids.Contains(s.RecordId) && (s.EndsAt == null || s.EndsAt > now)).ToListAsync(cancellationToken);
        var byRecord = shares.ToLookup(s => s.RecordId);
        return [.. records.Select(r => new RecordFacts(module, r.Id, r.OwnerId, r.DepartmentId ?? 0) { Shares = [.. byRecord[r.Id].Select(s => s.ToEngine())] })];
    }

    /// <summary>
    /// Whether the actor could view a deleted record in its last state: owner and department as the
    /// audit trail's delete entry holds them (<paramref name="state"/>: field → {old}).
    /// </summary>
    public async Task<bool> CouldViewDeletedAsync(Actor actor, string module, int id, System.Text.Json.Nodes.JsonObject state, CancellationToken cancellationToken)
    {
        RecordFacts? facts = null;
        if (state["ownerId"]?["old"]?.GetValue<string>() is { } owner && Guid.TryParse(owner, out var ownerId))
        {
            var department = state["departmentId"]?["old"] is System.Text.Json.Nodes.JsonValue d && d.TryGetValue<int>(out var departmentId) ? departmentId : (int?)null;
            facts = await FactsAsync(module, id, ownerId, department, cancellationToken);
        }

        return (await DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed;
    }

    /// <summary>The refusal an API token gets when its scopes, not its user's permissions, leave the action out.</summary>
    public static string TokenScopeRefusal(string module, string action) =>
        $"The API token's scopes do not include {action} on {module}.";

    /// <summary>
    /// Refuses a list outright when the actor is an API token whose scopes leave out view on the
    /// module (its row filter would only answer an empty list, which reads like "no records").
    /// </summary>
    public static string? ListRefusal(Actor actor, string module) =>
        actor.TokenScopes is { } scopes && !scopes.Allows(module, PermissionAction.View) ? TokenScopeRefusal(module, PermissionAction.View) : null;

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

/// <summary>What a feature adds to the engine's row filter for its module; see <see cref="RecordAccess.VisibleAsync{T}(Actor, string, Func{Guid, RowRules{T}}, CancellationToken)"/>.</summary>
public sealed record RowRules<T>(IReadOnlyDictionary<string, Expression<Func<T, bool>>> Conditions)
{
    public Expression<Func<T, bool>>? AlsoVisible { get; init; }

    public Expression<Func<T, bool>>? OnlyIf { get; init; }
}

/// <summary>Joins two row filters into one lambda EF Core can translate (no Invoke).</summary>
public static class RowFilters
{
    public static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Combine(left, right, Expression.OrElse);

    public static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Combine(left, right, Expression.AndAlso);

    // The right lambda's body is moved onto the left one's parameter, so the result stays one lambda EF can translate.
    private static Expression<Func<T, bool>> Combine<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right, Func<Expression, Expression, Expression> join)
    {
        var parameter = left.Parameters[0];
        var body = new Rebind(right.Parameters[0], parameter).Visit(right.Body);
        return Expression.Lambda<Func<T, bool>>(join(left.Body, body), parameter);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

/// <summary>A record a read use case opened (see <see cref="RecordAccess.ReadAsync{T}"/>), and the actor's rights on it.</summary>
public sealed class RecordRead<T>(T record, Func<string, CancellationToken, Task<bool>> may)
    where T : OwnedRecord
{
    public T Record => record;

    /// <summary>Whether the actor may do <paramref name="action"/> (edit, delete…) on the record; never while previewing.</summary>
    public Task<bool> MayAsync(string action, CancellationToken cancellationToken) => may(action, cancellationToken);
}
