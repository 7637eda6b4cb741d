using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Automation;

/// <summary>The rules, their switches and the shipped templates (administrators only, by the /admin convention).</summary>
public sealed class AutomationPage(ListAutomationRules list, SaveAutomationRule save, DeleteAutomationRule delete, UseAutomationTemplate template) : PageModel
{
    public IReadOnlyList<AutomationRuleSummary> Rules { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(await save.SetEnabledAsync(HttpContext.Actor(), id, true, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(await save.SetEnabledAsync(HttpContext.Actor(), id, false, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(await delete.RunAsync(HttpContext.Actor(), id, cancellationToken), cancellationToken);

    /// <summary>A disabled rule from the template, opened for a try.</summary>
    public async Task<IActionResult> OnPostUseTemplateAsync(string key, CancellationToken cancellationToken)
    {
        var made = await template.RunAsync(HttpContext.Actor(), key, cancellationToken);
        return made.IsOk ? Redirect($"/admin/automation/{made.Value}") : await AfterAsync(made, cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(Web.Result result, CancellationToken cancellationToken)
    {
        if (result.IsOk)
        {
            return Redirect("/admin/automation");
        }

        result.CopyTo(ModelState, "");
        return await ShowAsync(cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Rules = result.Value;
        return Page();
    }
}
