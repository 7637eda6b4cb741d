using Crm.Web.Features.Access;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Groups;

public sealed class GroupPermissionsPage(SaveGroupGrants grants, PermissionCatalog catalog) : PageModel
{
    [BindProperty]
    public Dictionary<string, string> Grants { get; set; } = [];

    public int Id { get; private set; }
    public GrantMatrix Matrix { get; private set; } = null!;
    public bool Saved { get; private set; }
    public string? Error { get; private set; }

    /// <summary>What saving the matrix would change for whom, after Preview.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await ShowAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var result = await grants.RunAsync(HttpContext.Actor(), id, GrantMatrix.Read(Grants, emptyMeansInherit: false), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/groups/{id}/permissions?saved=true");
        }

        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        Error = string.Join(" ", result.Errors.Values.SelectMany(m => m).DefaultIfEmpty(result.Message ?? ""));
        return await ShowAsync(id, cancellationToken);
    }

    /// <summary>Preview, beside Save: the same save, rolled back, and who would gain or lose what; the posted matrix stays on the form.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(int id, CancellationToken cancellationToken)
    {
        var posted = GrantMatrix.Read(Grants, emptyMeansInherit: false);
        var result = await grants.PreviewAsync(HttpContext.Actor(), id, posted, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        WhatIf = result.Value;
        Error = result.IsOk ? null : string.Join(" ", result.Errors.Values.SelectMany(m => m).DefaultIfEmpty(result.Message ?? ""));
        var shown = await ShowAsync(id, cancellationToken);
        if (shown is PageResult)
        {
            Matrix = Matrix with { Values = GrantMatrix.From(posted.Where(g => Enum.IsDefined(g.Scope))) };
        }

        return shown;
    }

    private async Task<IActionResult> ShowAsync(int id, CancellationToken cancellationToken)
    {
        var current = await grants.ReadAsync(HttpContext.Actor(), id, cancellationToken);
        if (!current.IsOk)
        {
            return NotFound();
        }

        Id = id;
        Matrix = new GrantMatrix(catalog.Modules, GrantMatrix.From(current.Value), OffersInherit: false);
        return Page();
    }
}
