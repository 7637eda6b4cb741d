using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Home;

public sealed class HomePage(IEnumerable<Section> sections, Security.Permissions.Access access) : PageModel
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<Section> Sections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var user = HttpContext.SignedIn()!;
        var actor = HttpContext.Actor();
        Name = user.DisplayName;
        var shown = new List<Section>();
        foreach (var section in sections.Where(s => s.Area == SectionArea.Home && s.IsAvailableTo(user)))
        {
            if (section.Module is null || (await access.DecideAsync(actor, section.Module, PermissionAction.View, null, cancellationToken)).Allowed)
            {
                shown.Add(section);
            }
        }

        Sections = shown.OrderBy(s => s.Order).ThenBy(s => s.Title, StringComparer.Ordinal).ToList();
    }
}
