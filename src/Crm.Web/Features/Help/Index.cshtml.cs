using Crm.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Help;

/// <summary>Help is readable before signing in (the sign-in page links to it); administrator topics need an administrator.</summary>
[AllowAnonymous]
public sealed class HelpPage : PageModel
{
    public HelpTopic Topic { get; private set; } = null!;
    public IReadOnlyList<HelpTopic> Topics { get; private set; } = [];

    public IActionResult OnGet(string? topic)
    {
        var isAdministrator = HttpContext.SignedIn()?.IsAdministrator == true;
        Topics = HelpTopics.All.Where(t => !t.AdministratorsOnly || isAdministrator).ToList();
        var found = topic is null ? HelpTopics.Find("home") : HelpTopics.Find(topic);
        if (found is null || !Topics.Contains(found))
        {
            return NotFound();
        }

        Topic = found;
        return Page();
    }
}
