using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>The company data as the settings page and the API show it; images by address, not bytes.</summary>
public sealed record CompanySettingsView(string? Name, string? Address, int? DocumentLogoWidth,
    string? LogoLightUrl, string? LogoDarkUrl, string? FaviconUrl, int BrandingVersion);

public sealed class ReadCompanySettings(CrmDb db)
{
    public async Task<Result<CompanySettingsView>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<CompanySettingsView>.Forbidden(SettingsMessages.AdministratorsOnly);
        }

        return Result<CompanySettingsView>.Ok(await ReadAsync(db, cancellationToken));
    }

    internal static async Task<CompanySettingsView> ReadAsync(CrmDb db, CancellationToken cancellationToken)
    {
        var row = await db.InstanceSettings.AsNoTracking().Where(s => s.Id == InstanceSettings.TheId)
            .Select(s => new { s.CompanyName, s.CompanyAddress, s.DocumentLogoWidth, Light = s.LogoLight != null, Dark = s.LogoDark != null, Icon = s.Favicon != null, s.BrandingVersion })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return new CompanySettingsView(null, null, null, null, null, null, 0);
        }

        var brand = new BrandingView(row.CompanyName, row.Light, row.Dark, row.Icon, row.BrandingVersion);
        return new CompanySettingsView(row.CompanyName, row.CompanyAddress, row.DocumentLogoWidth,
            row.Light ? brand.ImageUrl("logo-light") : null, row.Dark ? brand.ImageUrl("logo-dark") : null,
            row.Icon ? brand.ImageUrl("favicon") : null, row.BrandingVersion);
    }
}
