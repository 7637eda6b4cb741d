using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Home;

public sealed class HomePage(IEnumerable<Section> sections) : PageModel
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<Section> Sections { get; private set; } = [];

    public void OnGet()
    {
        var user = HttpContext.SignedIn()!;
        Name = user.DisplayName;
        Sections = sections.Where(s => s.Area == SectionArea.Home && s.IsAvailableTo(user)).OrderBy(s => s.Order).ThenBy(s => s.Title, StringComparer.Ordinal).ToList();
    }
}
