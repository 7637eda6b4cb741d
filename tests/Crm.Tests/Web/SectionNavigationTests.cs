using AngleSharp.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;
using static Crm.Tests.Infrastructure.CompanyKit;

namespace Crm.Tests.Web;

/// <summary>The sections bar of every page links exactly the sections the person may use, the current one marked.</summary>
public sealed class SectionNavigationTests
{
    [Fact]
    public async Task The_bar_lists_only_the_sections_the_person_may_use_as_the_home_page_does()
    {
        await using var app = new CrmApp();
        var companiesOnly = await RoleAsync(app, "Companies only", null, AssignRecordsTo.AnyUser, Everything(Scope.Own));
        await UserAsync(app, "staff@crm.test", companiesOnly);
        var staff = await app.SignInAsync("staff@crm.test", Password);

        var (_, home) = await staff.GetPageAsync("/");
        var cards = home.QuerySelectorAll(".card-title a").Select(a => a.GetAttribute("href")!).ToList();
        var bar = SectionLinks(home);
        Assert.Equal(cards.Where(c => c is not "/account" and not "/help"), bar.Select(l => l.Href));
        Assert.Contains("/companies", bar.Select(l => l.Href));
        Assert.Contains("/contacts", bar.Select(l => l.Href));
        Assert.DoesNotContain("/deals", bar.Select(l => l.Href));
        Assert.DoesNotContain("/leads", bar.Select(l => l.Href));
        Assert.DoesNotContain("/admin", bar.Select(l => l.Href));
        Assert.DoesNotContain(bar, l => l.Current);

        // The same bar on every page, with the page's section marked.
        var (_, contactForm) = await staff.GetPageAsync("/contacts/new");
        Assert.Equal(bar.Select(l => l.Href), SectionLinks(contactForm).Select(l => l.Href));
        Assert.Equal(["/contacts"], SectionLinks(contactForm).Where(l => l.Current).Select(l => l.Href));

        var admin = await app.SignInAsAdminAsync();
        var (_, users) = await admin.GetPageAsync("/admin/users");
        var adminBar = SectionLinks(users);
        Assert.Contains("/deals", adminBar.Select(l => l.Href));
        Assert.Contains("/leads", adminBar.Select(l => l.Href));
        Assert.Equal(["/admin"], adminBar.Where(l => l.Current).Select(l => l.Href));

        // Signed out, there is no bar.
        var (_, signIn) = await app.NewClient().GetPageAsync("/account/sign-in");
        Assert.Empty(SectionLinks(signIn));
    }

    private static List<(string Href, bool Current)> SectionLinks(IDocument page) =>
        [.. page.QuerySelectorAll("nav[aria-label='Sections'] a.nav-link").Select(a => (a.GetAttribute("href")!, a.GetAttribute("aria-current") == "page"))];
}
