using Crm.Web.Data;
using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Account;

public sealed class AccountPage(ReadOwnProfile readProfile, SaveOwnPreferences savePreferences, CrmDb db) : PageModel
{
    public OwnProfile Profile { get; private set; } = null!;

    /// <summary>The person's own language and time zone; empty means the organisation's default.</summary>
    [BindProperty]
    public OwnPreferencesInput Preferences { get; set; } = new(null, null);

    public bool PreferencesSaved { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        PreferencesSaved = saved == true;
        return await ShowAsync(loadPreferences: true, cancellationToken);
    }

    public async Task<IActionResult> OnPostPreferencesAsync(CancellationToken cancellationToken)
    {
        var result = await savePreferences.RunAsync(HttpContext.Actor(), Preferences, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/account?saved=true");
        }

        if (result.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        result.CopyTo(ModelState, nameof(Preferences));
        return await ShowAsync(loadPreferences: false, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(bool loadPreferences, CancellationToken cancellationToken)
    {
        var result = await readProfile.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Profile = result.Value;
        if (loadPreferences)
        {
            Preferences = await db.Users.Where(u => u.Id == Profile.Id).Select(u => new OwnPreferencesInput(u.Language, u.TimeZone)).FirstAsync(cancellationToken);
        }

        return Page();
    }
}
