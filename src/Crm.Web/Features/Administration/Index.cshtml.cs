using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Administration;

/// <summary>The administrator's starting point: every administration section registered by a feature.</summary>
public sealed class AdministrationPage(IEnumerable<Section> sections) : PageModel
{
    public IReadOnlyList<Section> Sections { get; private set; } = [];

    public void OnGet()
    {
        var user = HttpContext.SignedIn()!;
        Sections = sections.Where(s => s.Area == SectionArea.Administration && s.IsAvailableTo(user))
            .OrderBy(s => s.Order).ThenBy(s => s.Title, StringComparer.Ordinal).ToList();
    }
}
