using System.Globalization;
using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Gdpr;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Gdpr;

/// <summary>
/// The register of rights requests (issue 26): every field checked with its own message and nothing
/// saved, create / edit / close audited, the 30-day deadline with its due-soon and overdue flags, each
/// reminder sent once (clock moved by hand), and everyone but administrators refused on every path.
/// One app for the class; each test makes its own requests and counts only those.
/// </summary>
public sealed class GdprRegisterTests(GdprApp app) : IClassFixture<GdprApp>
{
    private async Task<string> TodayAsync()
    {
        using var scope = app.Services.CreateScope();
        var today = await scope.ServiceProvider.GetRequiredService<GdprDeadlines>().TodayAsync(CancellationToken.None);
        return Day(today);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Task<int> RequestCountAsync() => app.InDatabaseAsync(db => db.Set<GdprRequest>().CountAsync());

    [Fact]
    public async Task Bad_input_names_each_field_and_saves_nothing_then_create_edit_and_close_are_audited()
    {
        var admin = await app.SignInAsAdminAsync();
        var today = await TodayAsync();
        var tomorrow = Day(DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(1));
        var before = await RequestCountAsync();

        var cases = new (string Body, string Field)[]
        {
            ($$"""{"email":"ann@example.com","receivedOn":"{{today}}"}""", "kind"),
            ($$"""{"kind":"delete","email":"ann@example.com","receivedOn":"{{today}}"}""", "kind"),
            ($$"""{"kind":"access","email":"not an address","receivedOn":"{{today}}"}""", "email"),
            ($$"""{"kind":"access","receivedOn":"{{today}}"}""", "email"),
            ($$"""{"kind":"access","personModule":"contacts","personId":999999,"receivedOn":"{{today}}"}""", "personId"),
            ($$"""{"kind":"access","personModule":"deals","personId":1,"receivedOn":"{{today}}"}""", "personModule"),
            ("""{"kind":"access","email":"ann@example.com","receivedOn":"31/12/2026"}""", "receivedOn"),
            ($$"""{"kind":"access","email":"ann@example.com","receivedOn":"{{tomorrow}}"}""", "receivedOn"),
            ("""{"kind":"access","email":"ann@example.com"}""", "receivedOn"),
            ($$"""{"kind":"access","email":"ann@example.com","receivedOn":"{{today}}","status":"answered"}""", "status"),
            ($$"""{"kind":"access","email":"ann@example.com","receivedOn":"{{today}}","receivedById":"{{Guid.NewGuid()}}"}""", "receivedById"),
            ($$"""{"kind":"access","email":"ann@example.com","receivedOn":"{{today}}","notes":"{{new string('n', 4001)}}"}""", "notes"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.PostJsonAsync("/api/v1/gdpr", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {response.StatusCode}");
            Assert.True((await response.FieldErrorsAsync(field)).Count > 0, $"{body[..Math.Min(body.Length, 120)]}: no message for {field}");
        }

        // The page: every message beside its field, nothing saved.
        var answer = await admin.SubmitAsync("/admin/gdpr/new", new()
        {
            ["Input.Kind"] = "",
            ["Input.Email"] = "nobody at all",
            ["Input.ReceivedOn"] = "yesterday",
        }, "#request-form");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        foreach (var field in new[] { "Input.Kind", "Input.Email", "Input.ReceivedOn" })
        {
            Assert.False(page.FieldError(field) is null, $"no message beside {field}");
        }

        Assert.Equal(before, await RequestCountAsync());

        // A valid request through the page: the deadline is 30 days after the day received.
        var created = await admin.SubmitAsync("/admin/gdpr/new", new()
        {
            ["Input.Kind"] = "access",
            ["Input.Email"] = " Zoe@Example.com ",
            ["Input.ReceivedOn"] = today,
            ["Input.Notes"] = "Asked by letter.",
        }, "#request-form");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = int.Parse(created.Headers.Location!.ToString().Split('/').Last(), CultureInfo.InvariantCulture);
        var read = await (await admin.Http.GetAsync($"/api/v1/gdpr/{id}")).ReadJsonAsync();
        Assert.Equal("Zoe@Example.com", read.GetProperty("email").GetString());
        Assert.Equal(Day(DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(30)), read.GetProperty("deadline").GetString());
        Assert.Equal(30, read.GetProperty("daysLeft").GetInt32());
        Assert.Equal("open", read.GetProperty("status").GetString());
        Assert.Equal(await app.AdminIdAsync(), read.GetProperty("receivedById").GetGuid());

        // Edit through the API; closing as refused needs a reason.
        var edited = await admin.PutJsonAsync($"/api/v1/gdpr/{id}", $$"""{"kind":"portability","email":"zoe@example.com","receivedOn":"{{today}}","status":"in-progress"}""");
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("in-progress", (await edited.ReadJsonAsync()).GetProperty("status").GetString());
        var refused = await admin.PostJsonAsync($"/api/v1/gdpr/{id}/close", """{"status":"refused"}""");
        Assert.NotEmpty(await refused.FieldErrorsAsync("reason"));
        var closePage = await admin.SubmitAsync($"/admin/gdpr/{id}", new() { ["Close.Status"] = "refused", ["Close.Reason"] = "" }, "#close-form");
        Assert.NotNull((await PageClient.ParseAsync(await closePage.Content.ReadAsStringAsync())).FieldError("Close.Reason"));
        var closed = await admin.SubmitAsync($"/admin/gdpr/{id}", new() { ["Close.Status"] = "refused", ["Close.Reason"] = "Could not confirm who asked." }, "#close-form");
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        read = await (await admin.Http.GetAsync($"/api/v1/gdpr/{id}")).ReadJsonAsync();
        Assert.Equal(("refused", "Could not confirm who asked.", today),
            (read.GetProperty("status").GetString(), read.GetProperty("refusalReason").GetString(), read.GetProperty("closedOn").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/gdpr/{id}/close", """{"status":"answered"}""")).StatusCode);

        var entityType = AuditNames.EntityType(typeof(GdprRequest));
        var actions = await app.InDatabaseAsync(db => db.AuditEntries.Where(e => e.EntityType == entityType && e.EntityId == id.ToString(CultureInfo.InvariantCulture))
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditActions.Created, AuditActions.Updated, AuditActions.Updated], actions);
    }

    [Fact]
    public async Task The_deadline_flags_and_each_reminder_come_once_as_the_days_pass()
    {
        var admin = await app.SignInAsAdminAsync();
        var today = await TodayAsync();
        var other = await app.CreateUserAsync($"dpo{Guid.NewGuid():N}@crm.test", "a good long passphrase", administrator: true);
        var id = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"erasure","email":"remind@example.com","receivedOn":"{{today}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        var link = $"/admin/gdpr/{id}";

        async Task<List<string>> RemindAsync()
        {
            using (var scope = app.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<RemindGdprDeadlines>().RunAsync(CancellationToken.None);
            }

            return await app.InDatabaseAsync(db => db.Notifications.Where(n => n.Link == link && n.UserId == other.Id).OrderBy(n => n.Id).Select(n => n.Title).ToListAsync());
        }

        // Days pass: sessions lapse, so each look signs in again.
        async Task<(bool DueSoon, bool Overdue, int DaysLeft)> FlagsAsync()
        {
            admin = await app.SignInAsAdminAsync();
            var json = await (await admin.Http.GetAsync($"/api/v1/gdpr/{id}")).ReadJsonAsync();
            return (json.GetProperty("dueSoon").GetBoolean(), json.GetProperty("overdue").GetBoolean(), json.GetProperty("daysLeft").GetInt32());
        }

        Assert.Empty(await RemindAsync());
        Assert.Equal((false, false, 30), await FlagsAsync());

        app.Clock.Advance(TimeSpan.FromDays(23));
        Assert.Equal((true, false, 7), await FlagsAsync());
        var (_, page) = await admin.GetPageAsync("/admin/gdpr");
        Assert.NotNull(page.QuerySelector($"tr[data-request-id='{id}'] .gdpr-due-soon"));
        var sent = await RemindAsync();
        Assert.Equal([$"Data-protection request due in 7 days: Erasure request ID {id}"], sent);
        Assert.Equal(sent, await RemindAsync());
        var due = await (await admin.Http.GetAsync("/api/v1/gdpr/due")).ReadJsonAsync();
        Assert.True(due.GetProperty("dueWithinSevenDays").GetInt32() >= 1);
        // The health dashboard shows it too (other tests of the class may add to the figures).
        Assert.NotEqual(Crm.Web.Features.Health.HealthState.Good, await Health.HealthKit.StateAsync(app, GdprDueSoonHealth.Key));

        app.Clock.Advance(TimeSpan.FromDays(6));
        sent = await RemindAsync();
        Assert.Equal(2, sent.Count);
        Assert.Equal($"Data-protection request due tomorrow: Erasure request ID {id}", sent[1]);
        Assert.Equal(sent, await RemindAsync());

        app.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((false, true, -1), await FlagsAsync());
        var (overdueState, overdueFigure) = await Health.HealthKit.MeasureAsync(app, GdprOverdueHealth.Key);
        Assert.Equal(Crm.Web.Features.Health.HealthState.Critical, overdueState);
        Assert.Contains("past", overdueFigure.Summary, StringComparison.Ordinal);
        (_, page) = await admin.GetPageAsync("/admin/gdpr");
        Assert.NotNull(page.QuerySelector($"tr[data-request-id='{id}'] .gdpr-overdue"));
        sent = await RemindAsync();
        Assert.Equal(3, sent.Count);
        Assert.Equal($"Data-protection request overdue: Erasure request ID {id}", sent[2]);
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(sent, await RemindAsync());
        using (var scope = app.Services.CreateScope())
        {
            var counts = await scope.ServiceProvider.GetRequiredService<GdprDeadlines>().CountAsync(CancellationToken.None);
            Assert.True(counts.Overdue >= 1);
        }

        // Answered: no longer flagged, counted or reminded of.
        admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/gdpr/{id}/close", """{"status":"answered"}""")).StatusCode);
        Assert.Equal((false, false), await FlagsAsync() is var f ? (f.DueSoon, f.Overdue) : default);
    }

    [Fact]
    public async Task Only_administrators_reach_the_register_on_any_path()
    {
        var admin = await app.SignInAsAdminAsync();
        var today = await TodayAsync();
        var id = (await (await admin.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"access","email":"who@example.com","receivedOn":"{{today}}"}""")).ReadJsonAsync())
            .GetProperty("id").GetInt32();
        var email = $"staff{Guid.NewGuid():N}@crm.test";
        await app.CreateUserAsync(email, "a good long passphrase");
        var staff = await app.SignInAsync(email, "a good long passphrase");
        var before = await RequestCountAsync();

        var answers = new Dictionary<string, HttpStatusCode>
        {
            ["register page"] = (await staff.Http.GetAsync("/admin/gdpr")).StatusCode,
            ["new page"] = (await staff.Http.GetAsync("/admin/gdpr/new")).StatusCode,
            ["request page"] = (await staff.Http.GetAsync($"/admin/gdpr/{id}")).StatusCode,
            ["edit page"] = (await staff.Http.GetAsync($"/admin/gdpr/{id}/edit")).StatusCode,
            ["page export"] = (await staff.Http.GetAsync($"/admin/gdpr/{id}?handler=Export")).StatusCode,
            ["API list"] = (await staff.Http.GetAsync("/api/v1/gdpr")).StatusCode,
            ["API due"] = (await staff.Http.GetAsync("/api/v1/gdpr/due")).StatusCode,
            ["API read"] = (await staff.Http.GetAsync($"/api/v1/gdpr/{id}")).StatusCode,
            ["API find"] = (await staff.Http.GetAsync($"/api/v1/gdpr/{id}/find")).StatusCode,
            ["API export"] = (await staff.Http.GetAsync($"/api/v1/gdpr/{id}/export")).StatusCode,
            ["API create"] = (await staff.PostJsonAsync("/api/v1/gdpr", $$"""{"kind":"access","email":"x@example.com","receivedOn":"{{today}}"}""")).StatusCode,
            ["API edit"] = (await staff.PutJsonAsync($"/api/v1/gdpr/{id}", $$"""{"kind":"access","email":"x@example.com","receivedOn":"{{today}}"}""")).StatusCode,
            ["API close"] = (await staff.PostJsonAsync($"/api/v1/gdpr/{id}/close", """{"status":"answered"}""")).StatusCode,
        };
        Assert.All(answers, a => Assert.True(a.Value == HttpStatusCode.Forbidden, $"{a.Key} answered {a.Value}"));
        Assert.Equal(before, await RequestCountAsync());
        Assert.Equal("open", (await (await admin.Http.GetAsync($"/api/v1/gdpr/{id}")).ReadJsonAsync()).GetProperty("status").GetString());

        // The use cases refuse on their own too (defence in depth), e.g. called by a job as a non-administrator.
        using var scope = app.Services.CreateScope();
        var actor = FileKit.ActorFor(Guid.NewGuid());
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await scope.ServiceProvider.GetRequiredService<ExportGdprPerson>().RunAsync(actor, id, CancellationToken.None)).Outcome);
        Assert.Equal(Crm.Web.Web.Outcome.Forbidden, (await scope.ServiceProvider.GetRequiredService<FindGdprPerson>().RunAsync(actor, id, CancellationToken.None)).Outcome);
    }
}
