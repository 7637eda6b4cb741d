using System.Globalization;

namespace Crm.Web.Security.Permissions;

/// <summary>
/// The answer for one action: whether it is allowed and the subject's effective scope for it on
/// the module (grants widened by the organisation default; shares and record rules are not scopes).
/// </summary>
public readonly record struct PermissionDecision(bool Allowed, Scope Scope)
{
    /// <summary>The user may, but the API token's scopes leave the action out: on a record the user can see, a 403, not a 404.</summary>
    public bool RefusedByTokenScope { get; init; }
}

public enum StepKind
{
    Administrator,
    RoleGrant,
    GroupGrant,
    NoGrant,
    Override,
    OrganisationDefault,
    ScopeMatch,
    ScopeNoMatch,
    Share,
    DynamicRule,
    FieldRule,
    Conclusion,
    SharingRule,
    TokenScope,
}

public sealed record ExplanationStep(StepKind Kind, string Sentence)
{
    /// <summary>Whether this step lets the action through (a matching scope, a share, a rule…): the short answer to "why may they".</summary>
    public bool Opens { get; init; }
}

public sealed record Explanation(PermissionDecision Decision, IReadOnlyList<ExplanationStep> Steps);

/// <summary>Which of a module's fields the subject may see and change; fields without a rule are editable.</summary>
public sealed class FieldPermissions(IReadOnlySet<string> hidden, IReadOnlySet<string> readOnly)
{
    public static readonly FieldPermissions Unrestricted = new(new HashSet<string>(), new HashSet<string>());

    public IReadOnlySet<string> Hidden { get; } = hidden;

    public IReadOnlySet<string> ReadOnly { get; } = readOnly;

    public bool CanSee(string field) => !Hidden.Contains(field);

    public bool CanEdit(string field) => !Hidden.Contains(field) && !ReadOnly.Contains(field);

    public IEnumerable<string> Visible(IEnumerable<string> fields) => fields.Where(CanSee);

    public IEnumerable<string> Editable(IEnumerable<string> fields) => fields.Where(CanEdit);
}

/// <summary>
/// Decides what a subject may do, on a module or on one record, and explains why. The decision
/// and the explanation come from one method (the explanation only adds sentences), so the
/// explainer can never disagree with what is enforced.
/// </summary>
/// <remarks>
/// The order: an administrator may do everything. Otherwise the scope is the individual override
/// for the (module, action) if there is one, else the widest role or group grant. On a record,
/// the action is allowed if that scope reaches it, or the organisation default opens the module
/// (view, or view and edit, on every record), or a share reaches the subject, or a grant rule
/// applies; and then refused if any deny rule applies.
/// </remarks>
public sealed partial class PermissionEngine(PermissionCatalog catalog)
{
    public PermissionCatalog Catalog { get; } = catalog;

    /// <summary>
    /// With a record: may the subject do this to it? Without one: may they do it at all, and on
    /// which records (the scope; shares and record rules can still allow single records).
    /// </summary>
    public PermissionDecision Decide(PermissionSubject subject, string module, string action, RecordFacts? record = null) =>
        Evaluate(subject, module, action, record, steps: null, customFields: null);

    /// <summary>
    /// The same decision as <see cref="Decide"/>, with the sentences that led to it, in order.
    /// <paramref name="customFields"/>: the labels of the module's custom fields by key, so a field
    /// rule on one is named as the screens name it (the engine knows only the catalog).
    /// </summary>
    public Explanation Explain(PermissionSubject subject, string module, string action, RecordFacts? record = null, IReadOnlyDictionary<string, string>? customFields = null)
    {
        var steps = new List<ExplanationStep>();
        var decision = Evaluate(subject, module, action, record, steps, customFields);
        return new Explanation(decision, steps);
    }

    /// <summary>The field rules of the subject's role on the module; administrators see and edit every field.</summary>
    public FieldPermissions Fields(PermissionSubject subject, string module)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var key = Catalog[module].Key;
        if (subject.IsAdministrator)
        {
            return FieldPermissions.Unrestricted;
        }

        var rules = subject.FieldRules.Where(r => r.Module == key).ToList();
        var hidden = rules.Where(r => r.Access == FieldAccess.Hidden).Select(r => r.Field).ToHashSet(StringComparer.Ordinal);
        var readOnly = rules.Where(r => r.Access == FieldAccess.ReadOnly && !hidden.Contains(r.Field)).Select(r => r.Field).ToHashSet(StringComparer.Ordinal);
        return new FieldPermissions(hidden, readOnly);
    }

    // Every sentence is added with steps?.Add(...): C# skips evaluating the argument when steps is
    // null, so deciding costs no string building while sharing each branch with the explainer.
    private PermissionDecision Evaluate(PermissionSubject subject, string moduleKey, string action, RecordFacts? record, List<ExplanationStep>? steps,
        IReadOnlyDictionary<string, string>? customFields)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var module = Catalog[moduleKey];
        if (!module.Has(action))
        {
            throw new ArgumentException($"Module '{module.Key}' has no action '{action}'.", nameof(action));
        }

        if (record is not null && record.Module != module.Key)
        {
            throw new ArgumentException($"The record belongs to '{record.Module}', not to '{module.Key}'.", nameof(record));
        }

        var who = subject.DisplayName;
        if (subject.IsAdministrator)
        {
            steps?.Add(new(StepKind.Administrator, $"{who} is an administrator: permissions are not checked.") { Opens = true });
            return Conclude(new PermissionDecision(true, Scope.All), subject, module, action, record, steps, customFields);
        }

        var granted = GrantedScope(subject, module, action, steps);
        var byDefault = DefaultGrants(subject, module, action, steps);
        var scope = byDefault ? Scope.All : granted;
        if (record is null)
        {
            foreach (var rule in subject.RuleShares.Where(r => r.Module == module.Key))
            {
                steps?.Add(new(StepKind.SharingRule, rule.Grants(action)
                    ? $"Sharing rule: {rule.Description}, for {rule.Access.ToString().ToLowerInvariant()}: {who} may {action} those records whatever the scope."
                    : $"Sharing rule: {rule.Description}, for {rule.Access.ToString().ToLowerInvariant()}: that does not allow {action}."));
            }

            return Conclude(new PermissionDecision(scope > Scope.None, scope), subject, module, action, record, steps, customFields);
        }

        var allowed = ScopeReaches(subject, module, granted, record, steps) || byDefault;
        allowed |= SharesGrant(subject, module, action, record, steps);
        allowed |= SharingRulesGrant(subject, module, action, record, steps);
        var (ruleGrants, ruleDenies) = ApplyRules(subject, module, action, record, steps);
        return Conclude(new PermissionDecision((allowed || ruleGrants) && !ruleDenies, scope), subject, module, action, record, steps, customFields);
    }

    private static Scope GrantedScope(PermissionSubject subject, ModuleDefinition module, string action, List<ExplanationStep>? steps)
    {
        var widest = Scope.None;
        var found = false;
        foreach (var grant in subject.RoleGrants.Where(g => g.Module == module.Key && g.Action == action))
        {
            steps?.Add(new(StepKind.RoleGrant, $"{Source(subject, grant.Profile)} grants {action} on {module.Title} with scope {grant.Scope}."));
            widest = Max(widest, grant.Scope);
            found = true;
        }

        foreach (var grant in subject.GroupGrants.Where(g => g.Module == module.Key && g.Action == action))
        {
            steps?.Add(new(StepKind.GroupGrant, $"Group '{grant.GroupName}' grants {action} on {module.Title} with scope {grant.Scope}."));
            widest = Max(widest, grant.Scope);
            found = true;
        }

        if (!found)
        {
            steps?.Add(new(StepKind.NoGrant, $"Neither role '{subject.RoleName}' nor any group of {subject.DisplayName} grants {action} on {module.Title}."));
        }

        // Duplicated overrides should not exist; if they do, the widest is taken so the row order of the loader cannot matter.
        var overrides = subject.Overrides.Where(o => o.Module == module.Key && o.Action == action).ToList();
        if (overrides.Count == 0)
        {
            return widest;
        }

        var individual = overrides.Max(o => o.Scope);
        steps?.Add(new(StepKind.Override,
            $"An individual override gives {subject.DisplayName} {action} on {module.Title} with scope {individual}; it replaces the role and group grants."));
        return individual;
    }

    private static bool DefaultGrants(PermissionSubject subject, ModuleDefinition module, string action, List<ExplanationStep>? steps)
    {
        var setting = subject.OrganisationDefaults.GetValueOrDefault(module.Key, OrganisationDefault.Private);
        var grants = action switch
        {
            PermissionAction.View => setting is OrganisationDefault.PublicRead or OrganisationDefault.PublicReadWrite,
            PermissionAction.Edit => setting is OrganisationDefault.PublicReadWrite,
            _ => false,
        };
        if (action is PermissionAction.View or PermissionAction.Edit)
        {
            steps?.Add(new(StepKind.OrganisationDefault, grants
                ? $"The organisation default for {module.Title} is {Describe(setting)}: everyone may {action} every record."
                : $"The organisation default for {module.Title} is {Describe(setting)}: it adds nothing to {action}.") { Opens = grants });
        }

        return grants;
    }

    private static bool ScopeReaches(PermissionSubject subject, ModuleDefinition module, Scope scope, RecordFacts record, List<ExplanationStep>? steps)
    {
        var what = module.NameOf(record.RecordId);
        var who = subject.DisplayName;
        var owner = record.OwnerName ?? $"user {record.OwnerId}";
        var department = record.DepartmentName is { } name ? $"department '{name}'" : $"department {record.DepartmentId}";
        if (scope == Scope.None)
        {
            steps?.Add(new(StepKind.ScopeNoMatch, $"Scope None reaches no record, so not {what}: no match."));
            return false;
        }

        if (scope == Scope.All)
        {
            steps?.Add(new(StepKind.ScopeMatch, $"Scope All reaches every record, {what} included: match.") { Opens = true });
            return true;
        }

        if (record.OwnerId == subject.UserId)
        {
            steps?.Add(new(StepKind.ScopeMatch, $"{what} is owned by {who}: scope {scope} matches.") { Opens = true });
            return true;
        }

        if (scope >= Scope.Subordinates && subject.SubordinateUserIds.Contains(record.OwnerId))
        {
            steps?.Add(new(StepKind.ScopeMatch, $"{what} is owned by {owner}, who is below {who}'s role: scope {scope} matches.") { Opens = true });
            return true;
        }

        if (scope >= Scope.Department && subject.DepartmentIds.Contains(record.DepartmentId))
        {
            steps?.Add(new(StepKind.ScopeMatch, $"{what} belongs to {department}, one of {who}'s departments: scope {scope} matches.") { Opens = true });
            return true;
        }

        steps?.Add(new(StepKind.ScopeNoMatch, scope switch
        {
            Scope.Own => $"{what} is owned by {owner}, who is not {who}: scope Own does not match.",
            Scope.Subordinates => $"{what} is owned by {owner}, who is not {who} and not below {who}'s role: scope Subordinates does not match.",
            _ => $"{what} is owned by {owner}, who is not {who} and not below {who}'s role, and {department} is not one of {who}'s departments: scope Department does not match.",
        }));
        return false;
    }

    private static bool SharesGrant(PermissionSubject subject, ModuleDefinition module, string action, RecordFacts record, List<ExplanationStep>? steps)
    {
        var granted = false;
        foreach (var share in record.Shares.Where(s => s.Reaches(subject)))
        {
            var grants = share.Grants(action);
            granted |= grants;
            steps?.Add(new(StepKind.Share,
                $"{module.NameOf(record.RecordId)} is shared for {share.Access.ToString().ToLowerInvariant()} with {DescribeTarget(share, subject)}: "
                + (grants ? $"{action} is allowed." : $"that does not allow {action}.")) { Opens = grants });
        }

        return granted;
    }

    private static bool SharingRulesGrant(PermissionSubject subject, ModuleDefinition module, string action, RecordFacts record, List<ExplanationStep>? steps)
    {
        var granted = false;
        foreach (var rule in subject.RuleShares.Where(r => r.Module == module.Key && r.OwnerIds.Contains(record.OwnerId)))
        {
            var grants = rule.Grants(action);
            granted |= grants;
            steps?.Add(new(StepKind.SharingRule,
                $"Sharing rule: {rule.Description}, for {rule.Access.ToString().ToLowerInvariant()}; {module.NameOf(record.RecordId)} is owned by one of them: "
                + (grants ? $"{action} is allowed." : $"that does not allow {action}.")) { Opens = grants });
        }

        return granted;
    }

    private static (bool Grants, bool Denies) ApplyRules(PermissionSubject subject, ModuleDefinition module, string action, RecordFacts record, List<ExplanationStep>? steps)
    {
        var (grants, denies) = (false, false);
        foreach (var rule in module.Rules.Where(r => r.Actions.Contains(action, StringComparer.Ordinal)))
        {
            var related = record.Relates(rule.Relation, subject.UserId);
            var stateHolds = rule.When?.HoldsFor(record.State) ?? true;
            var applies = related && stateHolds;
            grants |= applies && rule.Effect == RuleEffect.Grant;
            denies |= applies && rule.Effect == RuleEffect.Deny;
            var effect = rule.Effect == RuleEffect.Grant ? "allows" : "forbids";
            steps?.Add(new(StepKind.DynamicRule, (applies, related) switch
            {
                (true, _) => $"Rule '{rule.Description}' {effect} {action}: {subject.DisplayName} is the {rule.Relation}"
                    + (rule.When is null ? "." : $" and {rule.When}."),
                (false, false) => $"Rule '{rule.Description}' does not apply: {subject.DisplayName} is not the {rule.Relation}.",
                _ => $"Rule '{rule.Description}' does not apply: {subject.DisplayName} is the {rule.Relation}, but {rule.When!.Actual(record.State)}.",
            }) { Opens = applies && rule.Effect == RuleEffect.Grant });
        }

        return (grants, denies);
    }

    private PermissionDecision Conclude(PermissionDecision decision, PermissionSubject subject, ModuleDefinition module, string action, RecordFacts? record, List<ExplanationStep>? steps,
        IReadOnlyDictionary<string, string>? customFields)
    {
        // The token's scopes are applied last, to whatever the user's permissions concluded, so they
        // can only narrow it; an administrator's token is no exception.
        if (subject.TokenScopes is { } scopes)
        {
            var inScope = scopes.Allows(module.Key, action);
            steps?.Add(new(StepKind.TokenScope, inScope
                ? $"The API token '{subject.TokenName}' is limited to {scopes.Describe()}: that includes {action} on {module.Title}."
                : $"The API token '{subject.TokenName}' is limited to {scopes.Describe()}: {action} on {module.Title} is not among its scopes, so the token may not, whatever its user may."));
            if (!inScope)
            {
                decision = new PermissionDecision(false, Scope.None) { RefusedByTokenScope = decision.Allowed };
            }
        }

        if (steps is null)
        {
            return decision;
        }

        if (decision.Allowed && action is PermissionAction.View or PermissionAction.Edit)
        {
            var fields = Fields(subject, module.Key);
            foreach (var field in fields.Hidden.Order(StringComparer.Ordinal))
            {
                steps.Add(new(StepKind.FieldRule, $"{FieldSources(subject, module, field, FieldAccess.Hidden)} {FieldName(field, customFields)} of {module.Title}."));
            }

            foreach (var field in fields.ReadOnly.Order(StringComparer.Ordinal).Where(_ => action == PermissionAction.Edit))
            {
                steps.Add(new(StepKind.FieldRule, $"{FieldSources(subject, module, field, FieldAccess.ReadOnly)} {FieldName(field, customFields)} of {module.Title} read-only."));
            }
        }

        var who = subject.DisplayName;
        steps.Add(new(StepKind.Conclusion, (record, decision.Allowed) switch
        {
            (null, true) => $"So {who} may {action} {module.Title} with scope {decision.Scope}.",
            (null, false) when decision.RefusedByTokenScope || subject.TokenScopes?.Allows(module.Key, action) == false =>
                $"So {who}, through this token, may not {action} {module.Title}.",
            (null, false) => $"So {who} may not {action} {module.Title} (shares and record rules may still allow single records).",
            (_, true) => $"So {who} may {action} {module.NameOf(record.RecordId)}.",
            _ => $"So {who} may not {action} {module.NameOf(record.RecordId)}.",
        }));
        return decision;
    }

    private static Scope Max(Scope a, Scope b) => a > b ? a : b;

    /// <summary>"the field 'amount'", or "the custom field 'VAT number' (vatNumber)" for a custom field's rule.</summary>
    private static string FieldName(string field, IReadOnlyDictionary<string, string>? customFields) =>
        customFields is not null && customFields.TryGetValue(field, out var label) ? $"the custom field '{label}' ({field})" : $"the field '{field}'";

    /// <summary>"Role 'Sales manager'", or "Profile 'Sales' via role 'Sales manager'" for a grant or rule the role has through a profile.</summary>
    private static string Source(PermissionSubject subject, string? profile) =>
        profile is null ? $"Role '{subject.RoleName}'" : $"Profile '{profile}' via role '{subject.RoleName}'";

    /// <summary>Who sets a field rule, and the verb ("Profile 'X' via role 'Y' hides", "Role 'Y' and profile 'X' via it make"); every source is named.</summary>
    private static string FieldSources(PermissionSubject subject, ModuleDefinition module, string field, FieldAccess access)
    {
        var sources = subject.FieldRules.Where(r => r.Module == module.Key && r.Field == field && r.Access == access)
            .Select(r => Source(subject, r.Profile)).Distinct(StringComparer.Ordinal).ToList();
        if (sources.Count == 0)
        {
            sources.Add(Source(subject, null));
        }

        var verb = access == FieldAccess.Hidden ? (sources.Count == 1 ? "hides" : "hide") : (sources.Count == 1 ? "makes" : "make");
        return $"{string.Join(" and ", sources)} {verb}";
    }

    private static string Describe(OrganisationDefault setting) => setting switch
    {
        OrganisationDefault.PublicRead => "public read",
        OrganisationDefault.PublicReadWrite => "public read-write",
        _ => "private",
    };

    private static string DescribeTarget(RecordShare share, PermissionSubject subject) => share.Target switch
    {
        ShareTarget.User => subject.DisplayName,
        ShareTarget.Group => $"group '{share.TargetName ?? share.GroupId?.ToString(CultureInfo.InvariantCulture)}', which {subject.DisplayName} is in",
        ShareTarget.Role => $"role '{share.TargetName ?? share.RoleId?.ToString(CultureInfo.InvariantCulture)}'"
            + (share.WithSubordinates ? $" and the roles below it, which reaches {subject.DisplayName}" : $", which {subject.DisplayName} has"),
        _ => $"department '{share.TargetName ?? share.DepartmentId?.ToString(CultureInfo.InvariantCulture)}', which {subject.DisplayName} belongs to",
    };
}
