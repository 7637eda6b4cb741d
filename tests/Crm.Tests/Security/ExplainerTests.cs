using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Security.Org;

namespace Crm.Tests.Security;

[Trait(TestLanes.Database, TestLanes.None)]
public sealed class ExplainerTests
{
    private static readonly string Deals = CrmModules.Deals.Key;

    private static void AssertSteps(Explanation explanation, params (StepKind Kind, string Sentence)[] expected)
    {
        Assert.Equal(expected, explanation.Steps.Select(s => (s.Kind, s.Sentence)));
    }

    [Fact]
    public void A_deal_of_someone_neither_the_agent_nor_below_her_is_out_of_scope()
    {
        var ann = AnnAsAgent() with { SubordinateUserIds = [Raj], RoleGrants = [new(Deals, PermissionAction.Edit, Scope.Subordinates)] };

        var explanation = Engine.Explain(ann, Deals, PermissionAction.Edit, Deal(42, Omar, Finance, ownerName: "Omar"));

        Assert.False(explanation.Decision.Allowed);
        AssertSteps(explanation,
            (StepKind.RoleGrant, "Role 'Sales agent' grants edit on Deals with scope Subordinates."),
            (StepKind.OrganisationDefault, "The organisation default for Deals is private: it adds nothing to edit."),
            (StepKind.ScopeNoMatch, "Deal 42 is owned by Omar, who is not Ann and not below Ann's role: scope Subordinates does not match."),
            (StepKind.Conclusion, "So Ann may not edit Deal 42."));
    }

    [Fact]
    public void A_group_grant_reaches_the_department_and_the_field_rules_are_named()
    {
        var ann = AnnAsAgent() with
        {
            RoleGrants = [new(Deals, PermissionAction.Edit, Scope.Own)],
            GroupGrants = [new("Key accounts", Deals, PermissionAction.Edit, Scope.Department)],
            FieldRules = [new(Deals, "amount", FieldAccess.ReadOnly)],
        };
        var deal = Deal(42, Lena, SalesNorth, ownerName: "Lena") with { DepartmentName = "Sales North" };

        var explanation = Engine.Explain(ann, Deals, PermissionAction.Edit, deal);

        Assert.True(explanation.Decision.Allowed);
        AssertSteps(explanation,
            (StepKind.RoleGrant, "Role 'Sales agent' grants edit on Deals with scope Own."),
            (StepKind.GroupGrant, "Group 'Key accounts' grants edit on Deals with scope Department."),
            (StepKind.OrganisationDefault, "The organisation default for Deals is private: it adds nothing to edit."),
            (StepKind.ScopeMatch, "Deal 42 belongs to department 'Sales North', one of Ann's departments: scope Department matches."),
            (StepKind.FieldRule, "Role 'Sales agent' makes the field 'amount' of Deals read-only."),
            (StepKind.Conclusion, "So Ann may edit Deal 42."));
    }

    [Fact]
    public void An_override_and_a_share_are_both_told()
    {
        var ann = AnnAsAgent() with
        {
            RoleGrants = [new(Deals, PermissionAction.View, Scope.All)],
            Overrides = [new(Deals, PermissionAction.View, Scope.Own)],
        };
        var deal = Deal(42, Lena, Finance, ownerName: "Lena") with
        {
            Shares = [RecordShare.WithGroup(1, ShareAccess.Read) with { TargetName = "Key accounts" }],
        };

        var explanation = Engine.Explain(ann, Deals, PermissionAction.View, deal);

        Assert.True(explanation.Decision.Allowed);
        AssertSteps(explanation,
            (StepKind.RoleGrant, "Role 'Sales agent' grants view on Deals with scope All."),
            (StepKind.Override, "An individual override gives Ann view on Deals with scope Own; it replaces the role and group grants."),
            (StepKind.OrganisationDefault, "The organisation default for Deals is private: it adds nothing to view."),
            (StepKind.ScopeNoMatch, "Deal 42 is owned by Lena, who is not Ann: scope Own does not match."),
            (StepKind.Share, "Deal 42 is shared for read with group 'Key accounts', which Ann is in: view is allowed."),
            (StepKind.Conclusion, "So Ann may view Deal 42."));
    }

    [Fact]
    public void A_reviewed_memo_names_the_rule_that_locks_it()
    {
        var ann = AnnAsAgent() with { RoleGrants = [new(CrmModules.Memos.Key, PermissionAction.Edit, Scope.Own)] };

        var explanation = Engine.Explain(ann, CrmModules.Memos.Key, PermissionAction.Edit, Memo(5, owner: Ann, author: Ann, stage: CrmModules.MemoReviewed));

        Assert.False(explanation.Decision.Allowed);
        AssertSteps(explanation,
            (StepKind.RoleGrant, "Role 'Sales agent' grants edit on Memos with scope Own."),
            (StepKind.OrganisationDefault, "The organisation default for Memos is private: it adds nothing to edit."),
            (StepKind.ScopeMatch, "Memo 5 is owned by Ann: scope Own matches."),
            (StepKind.DynamicRule, "Rule 'Once reviewed, the author can no longer edit or delete the memo' forbids edit: Ann is the author and stage is reviewed."),
            (StepKind.Conclusion, "So Ann may not edit Memo 5."));
    }

    [Fact]
    public void Without_a_record_the_answer_is_the_scope()
    {
        var ann = AnnAsAgent() with { RoleGrants = [new(Deals, PermissionAction.Create, Scope.Own)] };

        var explanation = Engine.Explain(ann, Deals, PermissionAction.Create);

        Assert.Equal(new PermissionDecision(true, Scope.Own), explanation.Decision);
        AssertSteps(explanation,
            (StepKind.RoleGrant, "Role 'Sales agent' grants create on Deals with scope Own."),
            (StepKind.Conclusion, "So Ann may create Deals with scope Own."));
        Assert.Equal(
            (StepKind.Conclusion, "So Ann may not delete Deals (shares and record rules may still allow single records)."),
            Engine.Explain(ann, Deals, PermissionAction.Delete).Steps.Select(s => (s.Kind, s.Sentence)).Last());
    }

    [Fact]
    public void The_administrator_is_explained_in_one_step()
    {
        var admin = new PermissionSubject(Omar, "Omar") { IsAdministrator = true };

        var explanation = Engine.Explain(admin, Deals, PermissionAction.Delete, Deal(42, Lena, Finance));

        Assert.True(explanation.Decision.Allowed);
        AssertSteps(explanation,
            (StepKind.Administrator, "Omar is an administrator: permissions are not checked."),
            (StepKind.Conclusion, "So Omar may delete Deal 42."));
    }
}
