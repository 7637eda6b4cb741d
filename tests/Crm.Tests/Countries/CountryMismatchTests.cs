using Crm.Tests.Infrastructure;
using Crm.Web.Features.Countries;
using Crm.Web.Features.Notifications;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Countries;

/// <summary>An unmatched value: kept, counted, one notification per administrator, then resolved by an alternative name.</summary>
public sealed class CountryMismatchTests
{
    private const string Password = "a good long passphrase";

    [Fact]
    public async Task An_unknown_value_notifies_each_administrator_once_however_often_it_is_seen_and_matches_once_added()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var second = await app.CreateUserAsync("second@crm.test", Password, administrator: true);
        var retired = await app.CreateUserAsync("retired@crm.test", Password, administrator: true);
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == retired.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        var staff = await app.CreateUserAsync("staff@crm.test", Password);

        Assert.Null(await app.MatchAsync("Untied States", CountrySources.Import));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await app.MatchAsync("UNTIED  STATES", CountrySources.Api));
        Assert.Null(await app.MatchAsync("untied states."));

        var mismatch = await app.InDatabaseAsync(db => db.CountryMismatches.SingleAsync());
        Assert.Equal(("Untied States", 3, CountrySources.Import), (mismatch.RawValue, mismatch.Occurrences, mismatch.Source));
        Assert.Equal(mismatch.FirstSeenAt.AddMinutes(5), mismatch.LastSeenAt);
        Assert.Null(mismatch.ResolvedAt);

        var notified = await app.InDatabaseAsync(db => db.Notifications.Select(n => n.UserId).ToListAsync());
        var adminId = await app.AdminIdAsync();
        Assert.Equal(new[] { adminId, second.Id }.Order(), notified.Order());
        Assert.DoesNotContain(staff.Id, notified);

        var notification = await app.InDatabaseAsync(db => db.Notifications.FirstAsync(n => n.UserId == adminId));
        Assert.Contains("'Untied States' did not match any country. Add it as an alternative name of the right country (Administration › Countries) so it is recognised next time.",
            notification.Body, StringComparison.Ordinal);
        Assert.Equal("/admin/countries", notification.Link);

        var listed = await (await admin.Http.GetAsync("/api/v1/countries/mismatches")).ReadJsonAsync();
        Assert.Equal(3, Assert.Single(listed.EnumerateArray()).GetProperty("occurrences").GetInt32());

        // The administrator sees it on the Countries page and adds it to the right country.
        var (_, page) = await admin.GetPageAsync("/admin/countries");
        var row = Assert.Single(page.QuerySelectorAll("section[aria-labelledby='mismatches-title'] tbody tr"));
        Assert.Contains("Untied States", row.TextContent, StringComparison.Ordinal);
        var resolved = await admin.SubmitAsync(page, new() { ["country"] = "US" }, "section form[action*='Resolve']");
        var (_, after) = await admin.FollowAsync(resolved);
        Assert.Contains("United States", after.QuerySelector(".alert-success")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("section[aria-labelledby='mismatches-title']"));

        Assert.Equal("US", (await app.MatchAsync("untied states"))?.Alpha2);
        Assert.NotNull(await app.InDatabaseAsync(db => db.CountryMismatches.Select(m => m.ResolvedAt).SingleAsync()));
        Assert.Equal(2, await app.InDatabaseAsync(db => db.Notifications.CountAsync()));
    }

    [Fact]
    public async Task The_same_new_value_seen_at_once_by_many_requests_is_counted_and_notified_once()
    {
        await using var app = new CrmApp();
        _ = app.Server;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => app.MatchAsync("Narnia"))));

        var mismatch = await app.InDatabaseAsync(db => db.CountryMismatches.SingleAsync());
        Assert.Equal(8, mismatch.Occurrences);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Notifications.CountAsync()));
    }

    [Fact]
    public async Task Notifications_are_listed_for_their_owner_only_and_can_be_marked_as_read()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var staffUser = await app.CreateUserAsync("staff@crm.test", Password);
        var staff = await app.SignInAsync("staff@crm.test", Password);
        await app.MatchAsync("Narnia");
        await app.MatchAsync("Atlantis");

        var (_, home) = await admin.GetPageAsync("/");
        Assert.Contains(home.QuerySelectorAll(".card-title a"), a => a.GetAttribute("href") == "/notifications");

        var (_, mine) = await admin.GetPageAsync("/notifications");
        Assert.Equal(2, mine.QuerySelectorAll("li.list-group-item-warning").Length);
        Assert.Contains("2 unread", mine.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/admin/countries", mine.QuerySelector("main li h2 a")!.GetAttribute("href"));

        var (_, theirs) = await staff.GetPageAsync("/notifications");
        Assert.Empty(theirs.QuerySelectorAll("main li"));
        var id = await app.InDatabaseAsync(db => db.Notifications.Select(n => n.Id).FirstAsync());
        using (var scope = app.Services.CreateScope())
        {
            var markRead = scope.ServiceProvider.GetRequiredService<MarkNotificationsRead>();
            var foreign = await markRead.RunAsync(new Actor(ActorKind.User, staffUser.Id, false, "staff"), id, CancellationToken.None);
            Assert.Equal(Outcome.NotFound, foreign.Outcome);
        }

        var one = await admin.SubmitAsync(mine, [], "main li form");
        var (_, fewer) = await admin.FollowAsync(one);
        Assert.Single(fewer.QuerySelectorAll("li.list-group-item-warning"));
        var all = await admin.SubmitAsync(fewer, [], "main > div form");
        var (_, none) = await admin.FollowAsync(all);
        Assert.Empty(none.QuerySelectorAll("li.list-group-item-warning"));
        Assert.False(await app.InDatabaseAsync(db => db.Notifications.AnyAsync(n => n.ReadAt == null)));
    }

    [Fact]
    public async Task Dismissing_a_value_takes_it_off_the_list_without_naming_a_country()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        await app.MatchAsync("asdfgh");

        var dismissed = await admin.SubmitAsync("/admin/countries", [], "section form[action*='Dismiss']");
        Assert.Equal("/admin/countries?dismissed=true", dismissed.Headers.Location!.OriginalString);
        Assert.NotNull(await app.InDatabaseAsync(db => db.CountryMismatches.Select(m => m.ResolvedAt).SingleAsync()));
        Assert.Null(await app.MatchAsync("asdfgh"));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.Notifications.CountAsync()));
    }
}
