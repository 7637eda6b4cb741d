using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>What the layout shows of the company: its name and which images exist, at which version.</summary>
public sealed record BrandingView(string? CompanyName, bool HasLogoLight, bool HasLogoDark, bool HasFavicon, int Version)
{
    public static readonly BrandingView None = new(null, false, false, false, 0);

    public string ImageUrl(string kind) => $"/branding/{kind}/{Version}.png";
}

/// <summary>The company's branding for this request (read once per request, for the layout).</summary>
public sealed class Branding(CrmDb db)
{
    private BrandingView? _view;

    public async Task<BrandingView> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return _view ??= await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
                .Select(s => new BrandingView(s.CompanyName, s.LogoLight != null, s.LogoDark != null, s.Favicon != null, s.BrandingVersion))
                .FirstOrDefaultAsync(cancellationToken) ?? BrandingView.None;
        }
#pragma warning disable CA1031 // The error page uses the layout too: with the database down it must still render, unbranded.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return _view = BrandingView.None;
        }
    }
}
