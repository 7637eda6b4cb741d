using Crm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Help;

/// <summary>Help is readable before signing in (the sign-in page links to it); administrator topics need an administrator.</summary>
[AllowAnonymous]
public sealed class HelpPage(IEnumerable<HelpTopic> featureTopics) : PageModel
{
    public HelpTopic Topic { get; private set; } = null!;
    public IReadOnlyList<HelpTopic> Topics { get; private set; } = [];

    public IActionResult OnGet(string? topic)
    {
        var isAdministrator = HttpContext.SignedIn()?.IsAdministrator == true;
        Topics = HelpTopics.All.Concat(featureTopics).Where(t => !t.AdministratorsOnly || isAdministrator).ToList();
        var found = HelpTopics.Find(Topics, topic ?? "home");
        if (found is null)
        {
            return NotFound();
        }

        Topic = found;
        return Page();
    }
}
