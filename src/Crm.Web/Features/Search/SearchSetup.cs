using Crm.Web.Features.Help;
using Crm.Web.Security;

namespace Crm.Web.Features.Search;

public sealed class SearchSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<SearchRecords>();
        services.AddHelpTopic(new HelpTopic("search", "Search",
        [
            "The search box at the top of every page searches every module you may view: companies by name, contacts by name or email, and so on. Each module shows its ten most recently changed matches.",
            "To open a record by its ID, type ID and the number, for example \"ID 123\" or \"id123\". IDs are counted per module, so the same number can exist once in each; when exactly one record you may see has that ID, it opens directly.",
            "You only ever find records your role lets you see. A record outside your scope is not found, by name or by ID.",
        ]));
    }

    public void MapApi(RouteGroupBuilder api)
    {
        api.MapGet("/search", async (string? q, HttpContext http, SearchRecords search, CancellationToken cancellationToken) =>
                (await search.RunAsync(http.Actor(), q, cancellationToken)).ToHttp(r => Results.Ok(new { query = r.Query, byId = r.ById, groups = r.Groups })))
            .WithTags("Search")
            .WithName("Search")
            .WithSummary("Searches every module you may view (`q`: text, or `ID 123` for that ID in each module); results are filtered by your permissions.");
    }
}
