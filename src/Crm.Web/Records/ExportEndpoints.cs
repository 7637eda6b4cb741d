using Crm.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Crm.Web.Records;

/// <summary>The export endpoint every module maps the same way.</summary>
public static class ExportEndpoints
{
    /// <summary>
    /// Names and describes a module's <c>GET /export?format=csv|xlsx</c> (its list's filter parameters, the
    /// handler taking <c>string? format</c>), and maps <c>/export.csv</c> and <c>/export.xlsx</c>, the
    /// addresses of links made before, to the same handler with the format taken from the path. The module
    /// writes its handler in its own <c>MapGet</c> call, so the Request Delegate Generator builds it at
    /// build time; the older addresses reach it through the delegate the export route ends up with.
    /// </summary>
    public static RouteHandlerBuilder AsListExport(this RouteHandlerBuilder export, RouteGroupBuilder group, string name, string moduleTitle)
    {
        RequestDelegate? exportRoute = null;
        export
            .AddEndpointFilter(BackToTheListWhenOverTheRowLimit)
            .WithName(name)
            .WithSummary($"The current list of {moduleTitle} with the same filter parameters, every page, as format=csv (default) or format=xlsx. "
                + "Needs the export permission; fields your role hides are left out, formula-like cells neutralised; recorded in the activity log and the audit trail.")
            // Until the endpoints are built this is a stand-in that calls the built one; it is called only after.
            .Add(endpoint => exportRoute = endpoint.RequestDelegate);
        group.MapGet("/export.{format}", (string format, HttpContext http) =>
            {
                var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value);
                query["format"] = format;
                http.Request.QueryString = QueryString.Create(query);
                return exportRoute!(http);
            })
            .WithName(name + "ByExtension")
            .ExcludeFromDescription();
        return export;
    }

    /// <summary>The query parameter that tells a list page its export was refused for the role's row limit.</summary>
    public const string RefusedParameter = "export";

    /// <summary>
    /// A person who clicked Export on a list page and went over their role's row limit is sent back
    /// to the list, with its filter, where the page says why (<c>_ListHeader</c>); an API caller gets
    /// the 400 problem as it is. Only the page is told, by a flag: it reads the limit itself.
    /// </summary>
    private static async ValueTask<object?> BackToTheListWhenOverTheRowLimit(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var errors = result switch
        {
            ProblemHttpResult { ProblemDetails: HttpValidationProblemDetails details } => details.Errors,
            ValidationProblem problem => problem.ProblemDetails.Errors,
            _ => null,
        };
        if (errors is null || !errors.ContainsKey(ListExports.RowLimitField) || http.Actor().Kind != ActorKind.User
            || !http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return result;
        }

        // /api/v1/companies/export(.csv) → /companies, keeping the list's filter.
        var path = http.Request.Path.Value ?? "";
        var end = path.LastIndexOf("/export", StringComparison.Ordinal);
        if (!path.StartsWith("/api/v1/", StringComparison.Ordinal) || end <= "/api/v1".Length)
        {
            return result;
        }

        var list = path["/api/v1".Length..end];
        var query = QueryHelpers.ParseQuery(http.Request.QueryString.Value);
        query.Remove("format");
        query[RefusedParameter] = "over-limit";
        return Results.Redirect(list + QueryString.Create(query).ToUriComponent());
    }
}
