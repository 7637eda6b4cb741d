using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Profiles;

public sealed class ProfilesPage(ListProfiles listProfiles) : PageModel
{
    public IReadOnlyList<ProfileRow> Profiles { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await listProfiles.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Profiles = result.Value;
        return Page();
    }
}
