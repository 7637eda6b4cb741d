using Crm.Web.Features.Settings;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Automation;

/// <summary>One rule: its definition, "Try on record" and its run log.</summary>
public sealed class AutomationRulePage(ReadAutomationRule read, SaveAutomationRule save, TryAutomationRule tryRule, PreviewDateRule preview, OrganisationCalendar calendar) : PageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    [FromQuery(Name = "saved")]
    public bool Saved { get; set; }

    public AutomationRuleDetails? Rule { get; private set; }

    public IReadOnlyList<RunLogEntry> Runs { get; private set; } = [];

    public string? RecordId { get; private set; }

    /// <summary>A date or scheduled rule's next firings (null for a rule fired by changes).</summary>
    public IReadOnlyList<DateFiring>? Upcoming { get; private set; }

    public DateOnly Today { get; private set; }

    public TryOutcome? Tried { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostTryAsync([FromForm] string? recordId, CancellationToken cancellationToken)
    {
        RecordId = recordId;
        int? id = int.TryParse(recordId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        // A rule on users is tried on a user, by the GUID of their page (ADR 0050).
        Guid? user = Guid.TryParse(recordId?.Trim(), out var guid) ? guid : null;
        var result = await tryRule.RunAsync(HttpContext.Actor(), Id, user is null ? id : null, cancellationToken, user);
        if (result.IsOk)
        {
            Tried = result.Value;
        }
        else
        {
            result.CopyTo(ModelState, "");
            foreach (var (field, messages) in result.Errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError("RecordId", message);
                }
            }
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => await SwitchAsync(true, cancellationToken);

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => await SwitchAsync(false, cancellationToken);

    private async Task<IActionResult> SwitchAsync(bool enabled, CancellationToken cancellationToken)
    {
        var result = await save.SetEnabledAsync(HttpContext.Actor(), Id, enabled, cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/automation/{Id}");
        }

        result.CopyTo(ModelState, "");
        return await ShowAsync(cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var rule = await read.RunAsync(actor, Id, cancellationToken);
        if (!rule.IsOk)
        {
            return rule.Outcome == Web.Outcome.NotFound ? NotFound() : Forbid();
        }

        Rule = rule.Value;
        Runs = (await read.RunsAsync(actor, Id, cancellationToken)).Value ?? [];
        if (Rule.Trigger is AutomationTriggers.DateReached or AutomationTriggers.Schedule)
        {
            Upcoming = (await preview.RunAsync(actor, Id, cancellationToken)).Value ?? [];
            Today = await calendar.TodayAsync(cancellationToken);
        }
        return Page();
    }
}
