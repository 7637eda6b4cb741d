using System.Net;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Crm.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Operations;

/// <summary>A first start meets an empty database: these apps get one, not a copy of the migrated template.</summary>
public sealed partial class FirstRunTests
{
    [Fact]
    public async Task Without_configured_credentials_the_first_administrator_gets_a_temporary_password_printed_once()
    {
        await using var app = new CrmApp(TestDatabase.Empty()).With("CRM_ADMIN_EMAIL", null).With("CRM_ADMIN_PASSWORD", null);
        var client = app.NewClient();

        var printed = app.OperatorConsole.ToString();
        var password = TemporaryPassword().Match(printed).Groups[1].Value;
        Assert.Contains(FirstAdministrator.DefaultEmail, printed, StringComparison.Ordinal);
        Assert.Equal(16, password.Length);

        var signIn = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = FirstAdministrator.DefaultEmail, ["Input.Password"] = password });
        Assert.Equal("/account/change-password", signIn.Headers.Location!.OriginalString);

        // Printed to the operator's console, never written to the log.
        Assert.DoesNotContain(app.Log.Lines, l => l.Message.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configured_credentials_make_the_first_administrator_and_nothing_is_printed()
    {
        await using var app = new CrmApp(TestDatabase.Empty());
        var admin = await app.SignInAsAdminAsync();
        // A new installation requires two-factor sign-in of administrators: the first one is sent to set it up.
        Assert.Equal("/account/security", (await admin.Http.GetAsync("/")).Headers.Location?.OriginalString);

        Assert.Equal("", app.OperatorConsole.ToString());
        var admins = await app.InDatabaseAsync(db => db.Users.Where(u => u.IsAdministrator).Select(u => new { u.Email, u.MustChangePassword }).ToListAsync());
        Assert.Equal(CrmApp.AdminEmail, Assert.Single(admins).Email);
        Assert.False(admins[0].MustChangePassword);
    }

    [Fact]
    public async Task A_configured_password_that_breaks_the_policy_stops_the_start_with_a_clear_reason()
    {
        await using var app = new CrmApp(TestDatabase.Empty()).With("CRM_ADMIN_PASSWORD", "password1");
        var failure = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("CRM_ADMIN_PASSWORD", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_data_adds_a_small_team_that_can_sign_in()
    {
        await using var app = new CrmApp(TestDatabase.Empty()).With("Crm:DemoData", "true");
        _ = app.Server;

        var people = await app.InDatabaseAsync(db => db.Users.CountAsync(u => !u.IsAdministrator));
        Assert.True(people >= 5);
        var omar = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "omar.haddad@demo.example")
            .Select(u => new
            {
                Role = db.Roles.Where(r => r.Id == u.RoleId).Select(r => r.Name).Single(),
                Department = db.UserDepartments.Where(m => m.UserId == u.Id && m.IsPrimary).Select(m => m.Department!.Name).Single(),
                Parent = db.UserDepartments.Where(m => m.UserId == u.Id).Select(m => m.Department!.Parent!.Name).Single(),
            }).SingleAsync());
        Assert.Equal(("Sales agent", "Sales North", "Sales"), (omar.Role, omar.Department, omar.Parent));
        var client = await app.SignInAsync("ann.baker@demo.example", DemoOrganisation.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_first_start_on_an_empty_database_logs_no_warning_or_error_of_ours_or_the_database()
    {
        await using var app = new CrmApp(TestDatabase.Empty());
        _ = app.Server;

        var problems = app.Log.Lines
            .Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning)
            // Data Protection rightly warns that its keys are stored unencrypted (see docs/architecture.md).
            .Where(l => !l.Category.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal))
            .Select(l => $"{l.Category}: {l.Message}").ToList();
        Assert.Empty(problems);
    }

    [GeneratedRegex(@"Temporary password:\s+(\S+)")]
    private static partial Regex TemporaryPassword();
}
