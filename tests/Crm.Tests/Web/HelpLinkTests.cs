using System.Net;
using Crm.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Web;

public sealed class HelpLinkTests
{
    /// <summary>Every page reachable without a record id has a title and a "?" link to a help page that exists.</summary>
    [Fact]
    public async Task Every_page_links_to_help_that_exists()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null
                || e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => !r.Contains('{', StringComparison.Ordinal) && r != "/account/sign-out" && r != "/account/preview/end")
            .Distinct().ToList();
        Assert.True(pages.Count >= 15, $"only {pages.Count} pages found");

        foreach (var page in pages)
        {
            var (response, document) = await admin.GetPageAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}");
            Assert.False(string.IsNullOrWhiteSpace(document.Title), $"{page} has no title");
            var help = document.QuerySelector("a.help-link")?.GetAttribute("href");
            Assert.NotNull(help);
            Assert.True((await admin.Http.GetAsync(help)).StatusCode == HttpStatusCode.OK, $"{page} links to missing help {help}");
        }
    }
}
