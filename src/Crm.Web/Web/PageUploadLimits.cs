using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Web;

public static class PageUploadLimits
{
    /// <summary>
    /// Page <paramref name="page"/> ("/Files/Upload") reads its request and its multipart form under
    /// <paramref name="limit"/> bytes, worked out from a setting (<typeparamref name="TSettings"/>, taken
    /// from the services), instead of the framework's defaults.
    /// </summary>
    public static IServiceCollection AddPageUploadLimit<TSettings>(this IServiceCollection services, string page, Func<TSettings, long> limit)
        where TSettings : class
    {
        services.AddOptions<RazorPagesOptions>().Configure<TSettings>((o, settings) =>
            o.Conventions.AddPageApplicationModelConvention(page, model =>
            {
                var bytes = limit(settings);
                model.EndpointMetadata.Add(new RequestSizeLimitAttribute(bytes));
                model.EndpointMetadata.Add(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = bytes });
            }));
        return services;
    }
}
