using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// Serves the logos and the favicon at <c>/branding/{kind}/{version}.png</c>. Anonymous on purpose:
/// the sign-in page shows them too, and they are what the company shows the world anyway. The
/// version in the address changes with each upload, so a matching version is cached for a year.
/// </summary>
public static class BrandingImages
{
    public static readonly string[] Kinds = ["logo-light", "logo-dark", "favicon"];

    public static IEndpointRouteBuilder MapBrandingImages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/branding/{kind}/{version:int}.png", async (string kind, int version, HttpContext http, CrmDb db, CancellationToken cancellationToken) =>
            {
                var settings = db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId);
                var image = kind switch
                {
                    "logo-light" => await settings.Select(s => new { Bytes = s.LogoLight, s.BrandingVersion }).FirstOrDefaultAsync(cancellationToken),
                    "logo-dark" => await settings.Select(s => new { Bytes = s.LogoDark, s.BrandingVersion }).FirstOrDefaultAsync(cancellationToken),
                    "favicon" => await settings.Select(s => new { Bytes = s.Favicon, s.BrandingVersion }).FirstOrDefaultAsync(cancellationToken),
                    _ => null,
                };
                if (image?.Bytes is null)
                {
                    return Results.NotFound();
                }

                // An old version's address gets the current image, but only briefly cached.
                http.Response.Headers.CacheControl = image.BrandingVersion == version ? "public, max-age=31536000, immutable" : "no-cache";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.File(image.Bytes, "image/png");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
