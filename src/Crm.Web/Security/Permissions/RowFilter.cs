using System.Linq.Expressions;

namespace Crm.Web.Security.Permissions;

/// <summary>The columns of a CRM record that the row filter reads; every record type implements it.</summary>
public interface IOwnedRecord
{
    int Id { get; }

    Guid OwnerId { get; }

    int DepartmentId { get; }
}

public sealed partial class PermissionEngine
{
    /// <summary>
    /// The records of <paramref name="module"/> the subject may view, as one predicate that EF Core
    /// translates to SQL (equality, <c>Contains</c> on captured lists, and/or/not only), so lists use
    /// the owner and department indexes. It gives the same answer as <see cref="Decide"/> for view,
    /// provided the caller's expressions mean what their names say.
    /// </summary>
    /// <param name="subject">Who is looking.</param>
    /// <param name="module">The module's key in the catalog.</param>
    /// <param name="sharedWithSubject">True when a share of the row reaches the subject (to them, one of their groups, departments or roles), read or edit. Sharing rules are added here, from the subject.</param>
    /// <param name="ruleConditions">
    /// For each dynamic rule of the module that mentions view, keyed by rule name: true when the rule
    /// applies to the subject on that row (relation and state condition). Every such rule must be
    /// given, so that a list never disagrees with the record's own page.
    /// </param>
    public Expression<Func<T, bool>> VisibleTo<T>(
        PermissionSubject subject,
        string module,
        Expression<Func<T, bool>>? sharedWithSubject = null,
        IReadOnlyDictionary<string, Expression<Func<T, bool>>>? ruleConditions = null)
        where T : class, IOwnedRecord
    {
        ArgumentNullException.ThrowIfNull(subject);
        var viewRules = Catalog[module].Rules.Where(r => r.Actions.Contains(PermissionAction.View, StringComparer.Ordinal)).ToList();
        var missing = viewRules.Where(r => ruleConditions?.ContainsKey(r.Name) != true).Select(r => r.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The row filter of '{module}' needs a condition for the rules {string.Join(", ", missing)}.", nameof(ruleConditions));
        }

        // A token whose scopes leave out view sees no row, its user's rights notwithstanding.
        if (subject.TokenScopes is { } scopes && !scopes.Allows(module, PermissionAction.View))
        {
            return _ => false;
        }

        if (subject.IsAdministrator)
        {
            return _ => true;
        }

        // Captured locals become query parameters, so EF caches one plan whatever the ids are.
        var userId = subject.UserId;
        var subordinates = subject.SubordinateUserIds.ToList();
        var departments = subject.DepartmentIds.ToList();
        var scope = Decide(subject, module, PermissionAction.View).Scope;
        Expression<Func<T, bool>>? reached = scope switch
        {
            Scope.All => _ => true,
            Scope.Department => r => r.OwnerId == userId || subordinates.Contains(r.OwnerId) || departments.Contains(r.DepartmentId),
            Scope.Subordinates => r => r.OwnerId == userId || subordinates.Contains(r.OwnerId),
            Scope.Own => r => r.OwnerId == userId,
            _ => null,
        };

        var record = Expression.Parameter(typeof(T), "record");
        var grants = new List<Expression?> { Body(reached, record) };
        // Scope All reaches every row already; shares and grant rules would only lengthen the SQL.
        if (scope != Scope.All)
        {
            grants.Add(Body(sharedWithSubject, record));
            // Sharing rules reach rows by their owner: the owners were resolved with the subject.
            var ruleOwners = subject.RuleShares.Where(r => r.Module == module).SelectMany(r => r.OwnerIds).Distinct().ToList();
            if (ruleOwners.Count > 0)
            {
                Expression<Func<T, bool>> byRule = r => ruleOwners.Contains(r.OwnerId);
                grants.Add(Body(byRule, record));
            }

            grants.AddRange(viewRules.Where(r => r.Effect == RuleEffect.Grant).Select(r => Body(ruleConditions![r.Name], record)));
        }

        var parts = grants.OfType<Expression>().ToList();
        var visible = parts.Count == 0 ? Expression.Constant(false) : parts.Aggregate(Expression.OrElse);
        foreach (var rule in viewRules.Where(r => r.Effect == RuleEffect.Deny))
        {
            visible = Expression.AndAlso(visible, Expression.Not(Body(ruleConditions![rule.Name], record)!));
        }

        return Expression.Lambda<Func<T, bool>>(visible, record);
    }

    /// <summary>The lambda's body rewritten onto the shared parameter, so the parts combine into one lambda without Invoke (which EF cannot translate).</summary>
    private static Expression? Body<T>(Expression<Func<T, bool>>? lambda, ParameterExpression record) =>
        lambda is null ? null : new ParameterSwap(lambda.Parameters[0], record).Visit(lambda.Body);

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
