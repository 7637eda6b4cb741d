using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Settings;

/// <summary>The settings start page: company, email, localisation.</summary>
public sealed class SettingsIndexPage : PageModel
{
    public void OnGet()
    {
    }
}
