using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Crm.Web.Security;

/// <summary>
/// Named authorization policies. Pages and endpoints of the administration area use
/// <see cref="Administrator"/>; everything else is decided inside the use cases by the
/// permission engine.
/// </summary>
public static class Policies
{
    public const string Administrator = "Administrator";

    public static AuthorizationOptions AddCrmPolicies(this AuthorizationOptions options)
    {
        // Read from the request's SignedInUser, which the session (or token) check loads from the
        // database on every request: removing the flag bites on the next request.
        options.AddPolicy(Administrator, p => p.RequireAuthenticatedUser()
            .RequireAssertion(c => c.Resource is HttpContext http && http.SignedIn()?.IsAdministrator == true));
        return options;
    }
}

/// <summary>Every Razor page whose route starts with <c>/admin</c> requires an administrator.</summary>
public sealed class AdministrationPages : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        if (model.ActionDescriptor.AttributeRouteInfo?.Template is { } t
            && (t.Equals("admin", StringComparison.OrdinalIgnoreCase) || t.StartsWith("admin/", StringComparison.OrdinalIgnoreCase)))
        {
            model.EndpointMetadata.Add(new AuthorizeAttribute(Policies.Administrator));
        }
    }
}
