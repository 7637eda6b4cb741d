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
}
