using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.CustomFields;

/// <summary><c>/admin/custom-fields</c>: the custom fields of every module, or of the one chosen.</summary>
public sealed class CustomFieldsPage(ListCustomFields list) : PageModel
{
    public IReadOnlyList<CustomFieldView> Fields { get; private set; } = [];

    public string? Module { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? module, CancellationToken cancellationToken)
    {
        Module = CustomFieldModules.Find(module)?.Key;
        var result = await list.RunAsync(HttpContext.Actor(), Module, cancellationToken);
        if (!result.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Fields = result.Value;
        return Page();
    }
}
