using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Profiles;

public sealed class NewProfilePage(SaveProfile saveProfile) : PageModel
{
    [BindProperty]
    public ProfileForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await saveProfile.RunAsync(HttpContext.Actor(), null, new ProfileInput(Input.Name, Input.Description), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/profiles/{result.Value}?notice=created");
        }

        result.CopyTo(ModelState);
        return Page();
    }
}
