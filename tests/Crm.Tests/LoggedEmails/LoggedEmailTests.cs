using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;
using Kit = Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.LoggedEmails;

public sealed class LoggedEmailTests
{
    [Fact]
    public async Task An_email_is_logged_against_a_visible_record_and_listed_on_its_page_with_the_body_encoded()
    {
        await using var app = new CrmApp();
        var role = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", role);
        var other = await UserAsync(app, "other@crm.test", role);
        var deal = await DealAsync(app, "My deal", agent.Id, null);
        var hiddenDeal = await DealAsync(app, "Their deal", other.Id, null);
        var lead = await LeadAsync(app, "Lee", "Lead", null, agent.Id, null);
        var client = await app.SignInAsync("agent@crm.test", Password);

        var created = await client.PostJsonAsync("/api/v1/emails", $$"""
            {"direction":"outgoing","from":"agent@crm.test","to":"a@example.com, b@example.com","subject":"Offer","body":"Line one\n<script>alert('x')</script>\nLine three",
             "sentAt":"2026-11-20T10:30:00Z","relatedModule":"deals","relatedId":{{deal}}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();

        foreach (var (json, field) in new[]
        {
            ($$"""{"direction":"outgoing","from":"x","to":"a@example.com","subject":"S","sentAt":"2026-11-20T10:30:00Z"}""", "from"),
            ($$"""{"direction":"outgoing","from":"a@example.com","to":"a@example.com, nope","subject":"S","sentAt":"2026-11-20T10:30:00Z"}""", "to"),
            ($$"""{"direction":"sideways","from":"a@example.com","to":"a@example.com","subject":"S","sentAt":"2026-11-20T10:30:00Z"}""", "direction"),
            ($$"""{"direction":"outgoing","from":"a@example.com","to":"a@example.com","subject":"S"}""", "sentAt"),
            ($$"""{"direction":"outgoing","from":"a@example.com","to":"a@example.com","subject":"S","sentAt":"2026-11-20T10:30:00Z","relatedModule":"deals","relatedId":{{hiddenDeal}}}""", "relatedId"),
            ($$"""{"direction":"outgoing","from":"a@example.com","to":"a@example.com","subject":"S","sentAt":"2026-11-20T10:30:00Z","relatedModule":"planets","relatedId":1}""", "relatedId"),
            ($$"""{"direction":"outgoing","from":"a@example.com","to":"a@example.com","subject":"S","sentAt":"yesterday"}""", "sentAt"),
        })
        {
            var refused = await client.PostJsonAsync("/api/v1/emails", json);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(field, await ErrorFieldsAsync(refused));
        }

        Assert.Equal(1, await app.InDatabaseAsync(db => db.LoggedEmails.CountAsync()));
        var html = await (await client.Http.GetAsync($"/emails/{id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        var (_, page) = await client.GetPageAsync($"/emails/{id}");
        Assert.Equal("Line one\n<script>alert('x')</script>\nLine three", page.QuerySelector(".email-body")!.TextContent);
        var (_, dealPage) = await client.GetPageAsync($"/deals/{deal}");
        Assert.Equal(["Offer"], dealPage.QuerySelectorAll(".related-emails a").Select(a => a.TextContent));

        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/v1/emails", $$"""
            {"direction":"incoming","from":"lee@example.com","to":"agent@crm.test","subject":"Question","body":"Hi","sentAt":"2026-11-21T08:00:00Z","relatedModule":"leads","relatedId":{{lead}}}
            """)).StatusCode);
        var (_, leadPage) = await client.GetPageAsync($"/leads/{lead}");
        Assert.Equal(["Question"], leadPage.QuerySelectorAll(".related-emails a").Select(a => a.TextContent));
        var related = await (await client.Http.GetAsync($"/api/v1/emails?relatedModule=leads&relatedId={lead}")).ReadJsonAsync();
        Assert.Equal(1, related.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_incoming_email_cannot_be_edited_but_can_be_deleted_and_an_outgoing_one_can_be_corrected()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var incoming = await EmailAsync(app, "From the customer", adminId, null, direction: EmailDirections.Incoming);
        var outgoing = await EmailAsync(app, "To the customer", adminId, null);

        var refused = await admin.PatchJsonAsync($"/api/v1/emails/{incoming}", """{"subject":"Rewritten","version":1}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(SaveLoggedEmail.IncomingIsFinal, (await refused.ReadJsonAsync()).Text("title"));
        var (_, edit) = await admin.GetPageAsync($"/emails/{incoming}/edit");
        Assert.Contains("cannot be edited", edit.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(edit.QuerySelector("main form"));
        var (_, details) = await admin.GetPageAsync($"/emails/{incoming}");
        Assert.Null(details.QuerySelector($"a[href='/emails/{incoming}/edit']"));
        Assert.Equal("From the customer", await app.InDatabaseAsync(db => db.LoggedEmails.Where(e => e.Id == incoming).Select(e => e.Subject).SingleAsync()));

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJsonAsync($"/api/v1/emails/{outgoing}", """{"subject":"Corrected","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PatchJsonAsync($"/api/v1/emails/{outgoing}", """{"subject":"Stale","version":1}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/emails/{incoming}")).StatusCode);
        Assert.Equal(["Corrected"], await app.InDatabaseAsync(db => db.LoggedEmails.Select(e => e.Subject).ToListAsync()));
    }

    [Fact]
    public async Task Emails_outside_the_scope_are_not_found_and_keep_their_lead_from_being_deleted_by_someone_who_may_not_delete_them()
    {
        await using var app = new CrmApp();
        var ownRole = await RoleAsync(app, "Own", null, AssignRecordsTo.AnyUser, Kit.Everything(Scope.Own));
        var agent = await UserAsync(app, "agent@crm.test", ownRole);
        var other = await UserAsync(app, "other@crm.test", ownRole);
        var lead = await LeadAsync(app, "Gone", "Soon", null, agent.Id, null);
        var mine = await EmailAsync(app, "Mine", agent.Id, null, CrmModules.Leads.Key, lead);
        var theirs = await EmailAsync(app, "Theirs", other.Id, null, CrmModules.Leads.Key, lead);
        var client = await app.SignInAsync("agent@crm.test", Password);

        foreach (var url in new[] { $"/emails/{theirs}", $"/emails/{theirs}/edit", $"/emails/{theirs}/delete", $"/api/v1/emails/{theirs}", $"/api/v1/emails/{theirs}/delete-impact" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(url)).StatusCode);
        }

        Assert.Equal([mine], await (await client.Http.GetAsync("/api/v1/emails")).IdsAsync());
        Assert.Equal(["Mine"], await LookupAsync(app, agent.Id, CrmModules.Emails.Key, "i"));

        // The lead's confirmation names the email it may see and counts the other.
        var impact = await (await client.Http.GetAsync($"/api/v1/leads/{lead}/delete-impact")).ReadJsonAsync();
        Assert.Equal([mine], impact.GetProperty("alsoDeleted").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()));
        Assert.Equal(1, impact.GetProperty("hiddenAlsoDeleted").GetInt32());
        var (_, confirm) = await client.GetPageAsync($"/leads/{lead}/delete");
        Assert.Contains("1 more linked records you cannot see", confirm.Body!.TextContent, StringComparison.Ordinal);

        // The rule for linked records: the other user's email is not the agent's to delete, so the lead's delete is refused.
        Assert.Contains("emails: 1", confirm.QuerySelector(".delete-refused")!.TextContent, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Redirect, (await client.SubmitAsync(confirm, new())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.DeleteAsync($"/api/v1/leads/{lead}")).StatusCode);
        Assert.Equal(2, await app.InDatabaseAsync(db => db.LoggedEmails.CountAsync()));

        // An administrator's delete takes the lead with both emails.
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/leads/{lead}")).StatusCode);
        Assert.Equal(0, await app.InDatabaseAsync(db => db.LoggedEmails.CountAsync()));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.Leads.CountAsync()));
    }
}
