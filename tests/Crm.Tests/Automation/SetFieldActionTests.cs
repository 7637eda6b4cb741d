using System.Globalization;
using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Automation.AutomationKit;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Automation;

/// <summary>One CRM for the set-field tests: its automation worker runs only when a test says.</summary>
public sealed class SetFieldApp : CrmApp
{
    public SetFieldApp() => With("Automation:WorkerEnabled", "false");
}

/// <summary>
/// The "set-field" action: refused at save time with a message per field (unknown, not settable,
/// wrong type, not a choice, too long, not editable by the automation user, a loop of rules), and at
/// run time a change through the module's own save, audited as the rule, firing further rules up to
/// the chain's cut. The validation test works on contacts and memos, the run test on leads, so the
/// two share one app without seeing each other's rules.
/// </summary>
public sealed class SetFieldActionTests(SetFieldApp app) : IClassFixture<SetFieldApp>
{
    private static string Rule(string name, string module, string trigger, Guid user, object[] actions, string? triggerField = null, string? triggerValue = null, object? conditions = null) =>
        JsonSerializer.Serialize(new { name, module, trigger, triggerField, triggerValue, conditions, enabled = true, automationUserId = user, actions });

    private static object Set(string field, string? value = null, bool? clear = null) => new { kind = "set-field", field, value, clear };

    [Fact]
    public async Task A_set_field_action_is_refused_with_a_message_per_field_and_nothing_is_saved()
    {
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var role = await RoleAsync(app, "Contact robot", null, AssignRecordsTo.AnyUser,
            (CrmModules.Contacts.Key, PermissionAction.View, Scope.All), (CrmModules.Contacts.Key, PermissionAction.Edit, Scope.All),
            (CrmModules.Leads.Key, PermissionAction.View, Scope.All));
        await app.InDatabaseAsync(db =>
        {
            db.RoleFieldRules.Add(new RoleFieldRule { RoleId = role, Module = CrmModules.Contacts.Key, Field = "phone", Access = FieldAccess.ReadOnly });
            return db.SaveChangesAsync();
        });
        var robot = await UserAsync(app, "contact.robot@crm.test", role);
        var before = (await (await admin.Http.GetAsync("/api/v1/automation/rules")).ReadJsonAsync()).GetArrayLength();

        async Task<IReadOnlyList<string>> Refused(string json, string field)
        {
            var response = await admin.PostJsonAsync("/api/v1/automation/rules", json);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.FieldErrorsAsync(field);
        }

        string Message(IReadOnlyList<string> messages) => Assert.Single(messages);

        Assert.StartsWith("\"shoeSize\" is not a field of contacts; fields rules can set: firstName, lastName",
            Message(await Refused(Rule("Unknown", "contacts", "created", adminId, [Set("shoeSize", "42")]), "actions[0].field")), StringComparison.Ordinal);
        Assert.StartsWith("id is not settable by a rule",
            Message(await Refused(Rule("Not settable", "contacts", "created", adminId, [Set("id", "3")]), "actions[0].field")), StringComparison.Ordinal);
        Assert.Equal("Rules cannot set fields of memos.",
            Message(await Refused(Rule("Memo", "memos", "created", adminId, [Set("subject", "Read me")]), "actions[0].field")));
        Assert.Equal("Company ID is a whole number: give one like 25.",
            Message(await Refused(Rule("Wrong type", "contacts", "created", adminId, [Set("companyId", "twelve")]), "actions[0].value")));
        Assert.StartsWith("Status must be one of: new, contacted",
            Message(await Refused(Rule("Not a choice", "leads", "created", adminId, [Set("status", "bogus")]), "actions[0].value")), StringComparison.Ordinal);
        Assert.Equal("Value must be at most 500 characters.",
            Message(await Refused(Rule("Too long", "contacts", "created", adminId, [Set("lastName", new string('x', 10_000))]), "actions[0].value")));
        Assert.Equal("Give a value or clear, not both.",
            Message(await Refused(Rule("Both", "contacts", "created", adminId, [Set("lastName", "Smith", clear: true)]), "actions[0].value")));
        Assert.StartsWith("Give the value Last name is set to",
            Message(await Refused(Rule("Neither", "contacts", "created", adminId, [Set("lastName")]), "actions[0].value")), StringComparison.Ordinal);
        Assert.Equal("The automation user's role may not edit Phone of contacts, so the rule could not either.",
            Message(await Refused(Rule("Read-only field", "contacts", "created", robot.Id, [Set("phone", "+44 20 7946 0000")]), "actions[0].field")));
        Assert.StartsWith("The automation user may not edit leads",
            Message(await Refused(Rule("No edit right", "leads", "created", robot.Id, [Set("notes", "seen")]), "actions[0].field")), StringComparison.Ordinal);

        // Loops: a rule firing itself, and two rules firing each other through the fields they set.
        Assert.StartsWith("These rules would fire each other in a loop on contacts: \"Self\" sets title, which fires \"Self\" again.",
            Message(await Refused(Rule("Self", "contacts", "updated", adminId, [Set("title", "Buyer")]), "actions[0].field")), StringComparison.Ordinal);
        await CreateRuleAsync(admin, Rule("Last name sets title", "contacts", "updated", adminId, [Set("title", "Reviewed")], triggerField: "lastName"));
        Assert.StartsWith("These rules would fire each other in a loop on contacts: \"Title sets last name\" sets lastName, which fires \"Last name sets title\", which sets title, which fires \"Title sets last name\" again.",
            Message(await Refused(Rule("Title sets last name", "contacts", "updated", adminId,
                [new { kind = "notify", recipients = "owner", title = "Hi" }, Set("lastName", "Checked")], triggerField: "title"), "actions[1].field")), StringComparison.Ordinal);
        // A trigger waiting for another value than the one set closes no loop.
        await CreateRuleAsync(admin, Rule("Title to buyer sets last name", "contacts", "updated", adminId, [Set("lastName", "Checked")], triggerField: "title", triggerValue: "Buyer"));

        Assert.Equal(before + 2, (await (await admin.Http.GetAsync("/api/v1/automation/rules")).ReadJsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task A_set_field_goes_through_the_modules_save_as_the_rule_and_fires_other_rules_until_the_chain_is_cut()
    {
        var admin = await app.SignInAsAdminAsync();
        var role = await RoleAsync(app, "Lead robot", null, AssignRecordsTo.AnyUser,
            [.. PermissionAction.Standard.Select(a => (CrmModules.Leads.Key, a, Scope.All))]);
        var robot = await UserAsync(app, "lead.robot@crm.test", role);
        var first = await CreateRuleAsync(admin, Rule("New leads are contacted", "leads", "created", robot.Id, [Set("status", "Contacted")]));
        var second = await CreateRuleAsync(admin, Rule("Contacted leads are referrals", "leads", "updated", robot.Id, [Set("source", "referral")], "status", "contacted"));
        var third = await CreateRuleAsync(admin, Rule("Referrals get a note", "leads", "updated", robot.Id, [Set("notes", "Chain reached three")], "source", "referral"));
        var fourth = await CreateRuleAsync(admin, Rule("Notes clear the phone", "leads", "updated", robot.Id, [Set("phone", clear: true)], "notes"));
        var badEmail = await CreateRuleAsync(admin, Rule("Bad email", "leads", "created", robot.Id, [Set("email", "not an address")],
            conditions: new { match = "all", groups = new[] { new { match = "all", conditions = new[] { new { field = "firstName", @operator = "equals", value = "Bad" } } } } }));

        var lead = await CreateLeadAsync(admin, """{"firstName":"Chain","lastName":"Lead","status":"new","source":"web","phone":"+44 20 7946 0111"}""");
        var already = await CreateLeadAsync(admin, """{"firstName":"Bad","lastName":"Lead","status":"contacted","source":"event"}""");
        await SettleAsync(app);

        // Three changes in a row, each through the lead's save; the fourth rule's run is cut and changes nothing.
        var saved = await (await admin.Http.GetAsync($"/api/v1/leads/{lead}")).ReadJsonAsync();
        Assert.Equal(("contacted", "referral", "Chain reached three", "+44 20 7946 0111"),
            (saved.Text("status"), saved.Text("source"), saved.Text("notes"), saved.Text("phone")));
        Assert.Equal(4, saved.GetProperty("version").GetInt32());
        var cut = Assert.Single((await RunsAsync(admin, fourth)).EnumerateArray());
        Assert.Equal(3, cut.GetProperty("depth").GetInt32());
        Assert.StartsWith("Loop cut", cut.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(cut.GetProperty("actions").EnumerateArray());

        var entries = await app.InDatabaseAsync(db => db.AuditEntries.Where(e => e.EntityType == "leads" && e.EntityId == lead.ToString(CultureInfo.InvariantCulture) && e.Action == "updated")
            .OrderBy(e => e.Id).Select(e => new { e.ActorKind, e.ActorUserId, e.ActorName, e.Changes }).ToListAsync());
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(("automation", robot.Id), (e.ActorKind, e.ActorUserId!.Value)));
        Assert.Equal([$"Rule \"New leads are contacted\" as {robot.FullName}", $"Rule \"Contacted leads are referrals\" as {robot.FullName}", $"Rule \"Referrals get a note\" as {robot.FullName}"],
            entries.Select(e => e.ActorName));
        Assert.Contains("\"status\"", entries[0].Changes, StringComparison.Ordinal);

        var action = Assert.Single((await RunsAsync(admin, first)).EnumerateArray().Single(r => r.GetProperty("recordId").GetInt32() == lead).GetProperty("actions").EnumerateArray());
        Assert.Equal(("done", $"Set status of leads {lead} to \"Contacted\"."), (action.GetProperty("status").GetString(), action.GetProperty("outcome").GetString()));
        var depths = new List<int>();
        foreach (var rule in new[] { first, second, third })
        {
            depths.Add((await RunsAsync(admin, rule)).EnumerateArray().Single(x => x.GetProperty("recordId").GetInt32() == lead).GetProperty("depth").GetInt32());
        }

        Assert.Equal([0, 1, 2], depths);

        // A value the record already has changes nothing (and fires nothing); a value the save refuses leaves the lead as it was, with the save's reason in the log.
        var same = Assert.Single((await RunsAsync(admin, first)).EnumerateArray().Single(r => r.GetProperty("recordId").GetInt32() == already).GetProperty("actions").EnumerateArray());
        Assert.Equal(("done", $"status of leads {already} already is \"Contacted\": nothing to change."), (same.GetProperty("status").GetString(), same.GetProperty("outcome").GetString()));
        Assert.DoesNotContain((await RunsAsync(admin, second)).EnumerateArray(), r => r.GetProperty("recordId").GetInt32() == already);
        var refused = Assert.Single(Assert.Single((await RunsAsync(admin, badEmail)).EnumerateArray(), r => r.GetProperty("matched").GetBoolean()).GetProperty("actions").EnumerateArray());
        Assert.Equal("pending", refused.GetProperty("status").GetString());
        Assert.Contains("email: ", refused.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var untouched = await (await admin.Http.GetAsync($"/api/v1/leads/{already}")).ReadJsonAsync();
        Assert.Equal((null, 1), (untouched.Text("email"), untouched.GetProperty("version").GetInt32()));

        // Try on record shows what the action would do, without doing it.
        var tried = await (await admin.PostJsonAsync($"/api/v1/automation/rules/{fourth}/try", $$"""{"recordId":{{lead}}}""")).ReadJsonAsync();
        Assert.Equal($"Clear phone of leads {lead}.", tried.GetProperty("actions")[0].GetProperty("summary").GetString());
        Assert.Equal("+44 20 7946 0111", (await (await admin.Http.GetAsync($"/api/v1/leads/{lead}")).ReadJsonAsync()).Text("phone"));
    }
}
