using Crm.Web.Features.ApiTokens;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Automation;

/// <summary>The rule form, new (<c>/admin/automation/new</c>) and edit (<c>/admin/automation/{id}/edit</c>): the same page model for both.</summary>
public sealed class RuleFormPage(SaveAutomationRule save, ReadAutomationRule read, ListTokenUsers listUsers) : PageModel
{
    [FromRoute]
    public Guid? RuleId { get; set; }

    [BindProperty]
    public AutomationRuleForm Input { get; set; } = new() { Module = "leads", Trigger = AutomationTriggers.Created };

    public IReadOnlyList<TokenUser> Users { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (RuleId is { } id)
        {
            var rule = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
            if (!rule.IsOk)
            {
                return rule.Outcome == Web.Outcome.NotFound ? NotFound() : Forbid();
            }

            Input = AutomationRuleForm.Of(rule.Value);
        }

        return await LoadUsersAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Input.ToInput(ModelState) is { } input)
        {
            var result = await save.RunAsync(HttpContext.Actor(), RuleId, input, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/admin/automation/{result.Value}?saved=1");
            }

            if (result.Outcome == Web.Outcome.NotFound)
            {
                return NotFound();
            }

            AutomationRuleForm.CopyErrors(result, ModelState);
        }

        return await LoadUsersAsync(cancellationToken) ? Page() : Forbid();
    }

    private async Task<bool> LoadUsersAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), cancellationToken);
        Users = result.Value ?? [];
        return result.IsOk;
    }
}
