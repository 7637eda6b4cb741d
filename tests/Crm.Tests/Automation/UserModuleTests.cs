using Crm.Tests.Infrastructure;
using Crm.Web.Features.Automation;

namespace Crm.Tests.Automation;

/// <summary>The pure parts of rules on users (ADR 0050): keys, which account changes rules see, and the deactivated/reactivated events.</summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class UserModuleTests
{
    private static readonly AutomationModule s_users = AutomationModules.Find("users")!;
    private static readonly AutomationModule s_leads = AutomationModules.Find("leads")!;

    [Fact]
    public void A_users_key_is_a_GUID_and_a_records_key_a_positive_whole_number()
    {
        var id = Guid.CreateVersion7();
        Assert.Equal(id.ToString(), s_users.KeyOf(id.ToString("N")));
        Assert.Null(s_users.KeyOf("12"));
        Assert.Equal("12", s_leads.KeyOf("12"));
        Assert.Null(s_leads.KeyOf(id.ToString()));
        Assert.Null(s_leads.KeyOf("0"));
        Assert.Null(s_leads.KeyOf("-3"));
        Assert.Equal($"/admin/users/{id}", s_users.LinkTo(id.ToString()));
        Assert.Equal("/leads/12", s_leads.LinkTo("12"));
    }

    [Fact]
    public void An_accounts_sign_in_bookkeeping_is_no_change_rules_on_users_see()
    {
        Assert.False(s_users.Sees("updated", """{"accessFailedCount":{"old":0,"new":1}}"""));
        Assert.False(s_users.Sees("updated", """{"lockoutEnd":{"old":null,"new":"2026-12-06T10:00:00Z"},"securityStamp":{"old":"(changed)","new":"(changed)"}}"""));
        Assert.True(s_users.Sees("updated", """{"fullName":{"old":"Ann","new":"Anna"}}"""));
        Assert.True(s_users.Sees("created", "{}"));
        Assert.True(s_leads.Sees("updated", """{"accessFailedCount":{"old":0,"new":1}}"""));
    }

    [Theory]
    [InlineData("deactivated", true, false, true)]
    [InlineData("deactivated", false, true, false)]
    [InlineData("reactivated", false, true, true)]
    [InlineData("reactivated", true, false, false)]
    public void Deactivated_and_reactivated_are_the_account_turning_off_and_on(string @event, bool from, bool to, bool fires)
    {
        var rule = new AutomationRule { Module = "users", Trigger = AutomationTriggers.Event, TriggerField = @event };
        var json = "{\"isActive\":{\"old\":" + (from ? "true" : "false") + ",\"new\":" + (to ? "true" : "false") + "}}";
        var change = ChangeFacts.FromAudit("updated", json, new HashSet<string>());
        Assert.Equal(fires, RuleEvaluation.Fires(rule, change, out _));
        Assert.False(RuleEvaluation.Fires(rule, ChangeFacts.FromAudit("updated", """{"fullName":{"old":"A","new":"B"}}""", new HashSet<string>()), out _));
    }
}
