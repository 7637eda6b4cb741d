namespace Crm.Web.Records;

/// <summary>The export endpoint every module maps the same way.</summary>
public static class ExportEndpoints
{
    /// <summary>
    /// <c>GET /export?format=csv|xlsx</c> plus the list's filter parameters; <c>/export.csv</c> and
    /// <c>/export.xlsx</c> reach the same handler (the format then comes from the path) for links made before.
    /// The handler takes <c>string? format</c>.
    /// </summary>
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder group, string name, string moduleTitle, Delegate handler)
    {
        group.MapGet("/export", handler)
            .WithName(name)
            .WithSummary($"The current list of {moduleTitle} with the same filter parameters, every page, as format=csv (default) or format=xlsx. "
                + "Needs the export permission; fields your role hides are left out, formula-like cells neutralised; recorded in the activity log and the audit trail.");
        group.MapGet("/export.{format}", handler)
            .WithName(name + "ByExtension")
            .ExcludeFromDescription();
        return group;
    }
}
