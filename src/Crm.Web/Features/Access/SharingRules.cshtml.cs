using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Access;

/// <summary><c>/admin/sharing-rules</c>: the sharing rules, a form to add one and a button to remove each.</summary>
public sealed class SharingRulesPage(ListSharingRules list, SaveSharingRule save, DeleteSharingRule delete, SharedRecords records,
    PermissionCatalog catalog, RecordLookups lookups) : PageModel
{
    public IReadOnlyList<SharingRuleView> Rules { get; private set; } = [];

    public ShareTargets Parties { get; private set; } = null!;

    /// <summary>The modules whose records have owners, so can be shared.</summary>
    public IReadOnlyList<ModuleDefinition> Modules => [.. catalog.Modules.Where(m => lookups.Of(m.Key) is not null)];

    [BindProperty]
    public string? Module { get; set; }

    /// <summary>"group:{id}", "role:{id}", "role-below:{id}" or "department:{id}" (see <see cref="SharingChoice"/>).</summary>
    [BindProperty]
    public string? From { get; set; }

    [BindProperty]
    public string? To { get; set; }

    [BindProperty]
    public string? Access { get; set; } = "read";

    public bool Saved { get; private set; }

    /// <summary>The preview of the rule as filled in (the Preview button), or null.</summary>
    public WhatIf.WhatIfPreview? WhatIf { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await save.RunAsync(HttpContext.Actor(), Posted(), cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/sharing-rules?saved=true");
        }

        ShowErrors(result);
        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    /// <summary>Who would gain or lose what with the rule as filled in; saves nothing.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        var result = await save.PreviewAsync(HttpContext.Actor(), Posted(), cancellationToken);
        if (result.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        WhatIf = result.Value;
        ShowErrors(result);
        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int ruleId, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), ruleId, cancellationToken);
        if (result.IsOk)
        {
            return Redirect("/admin/sharing-rules?saved=true");
        }

        if (result.Outcome == Web.Outcome.NotFound)
        {
            return NotFound();
        }

        return Forbid();
    }

    private SharingRuleInput Posted()
    {
        var (from, to) = (SharingChoice.Parse(From), SharingChoice.Parse(To));
        return new SharingRuleInput(Module,
            from.GroupId, from.RoleId, from.RoleId is null ? null : from.WithSubordinates, from.DepartmentId,
            to.GroupId, to.RoleId, to.RoleId is null ? null : to.WithSubordinates, to.DepartmentId, Access);
    }

    private void ShowErrors(Web.Result result)
    {
        foreach (var (field, messages) in result.Errors)
        {
            var key = field switch { "module" => nameof(Module), "from" => nameof(From), "to" => nameof(To), "access" => nameof(Access), _ => "" };
            foreach (var message in messages)
            {
                ModelState.AddModelError(key, message);
            }
        }

        if (result.Outcome is not Web.Outcome.Invalid && result.Message is not null)
        {
            ModelState.AddModelError("", result.Message);
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var found = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!found.IsOk)
        {
            return false;
        }

        Rules = found.Value;
        Parties = await records.TargetsAsync(cancellationToken);
        return true;
    }

    public string? Error(string field) => ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0
        ? string.Join(" ", entry.Errors.Select(e => e.ErrorMessage))
        : null;
}
