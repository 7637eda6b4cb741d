using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Roles;

public sealed class NewRolePage(SaveRole saveRole, ListRoles listRoles) : PageModel
{
    [BindProperty]
    public RoleForm Input { get; set; } = new();

    public RoleFieldsModel Fields { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await saveRole.RunAsync(HttpContext.Actor(), null, Input.ToInput(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/roles/{result.Value}?notice=created");
        }

        result.CopyTo(ModelState);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Fields = new RoleFieldsModel(Input, (await listRoles.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? [], null, ModelState);
}
