using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Home;

public sealed class HomePage(AvailableSections available) : PageModel
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<Section> Sections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Name = HttpContext.SignedIn()!.DisplayName;
        Sections = await available.ForAsync(HttpContext, cancellationToken);
    }
}
