using Crm.Web.Data;
using Crm.Web.Features.Users;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

/// <summary>The wizard: every step on one page, in order, each showing whether it is done, so it resumes where it stopped.</summary>
public sealed class OffboardPage(
    ReadOffboarding read, DeactivateLeaver deactivate, ReassignLeaversRecords reassign, RevokeLeaversTokens revokeTokens,
    SaveOffboardingChecklist saveChecklist, CrmDb db) : PageModel
{
    /// <summary>Blank rows offered for other systems under the listed ones.</summary>
    public const int BlankRows = 2;

    [BindProperty]
    public Guid? ReceiverId { get; set; }

    [BindProperty]
    public List<ChecklistItemInput> Items { get; set; } = [];

    public OffboardingState State { get; private set; } = null!;
    public IReadOnlyList<Receiver> Receivers { get; private set; } = [];
    public ReassignOutcome? Preview { get; private set; }
    public string? ReceiverError { get; private set; }
    public IReadOnlyDictionary<string, string[]> ChecklistErrors { get; private set; } = new Dictionary<string, string[]>();
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? notice, CancellationToken cancellationToken)
    {
        Notice = notice switch
        {
            OffboardingSteps.Deactivate => "Deactivated: the person is signed out everywhere and cannot sign in.",
            OffboardingSteps.Reassign => "Records reassigned.",
            OffboardingSteps.RevokeTokens => "API tokens revoked.",
            OffboardingSteps.ExternalSystems => "Checklist saved.",
            _ => null,
        };
        return await ShowAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, OffboardingSteps.Deactivate, await deactivate.RunAsync(HttpContext.Actor(), id, cancellationToken), cancellationToken);

    /// <summary>Counts what would move to the chosen receiver; nothing moves until Reassign.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await reassign.PreviewAsync(HttpContext.Actor(), id, new ReassignInput(ReceiverId), cancellationToken);
        if (result.IsOk)
        {
            Preview = result.Value;
        }

        return await AfterAsync(id, null, result, cancellationToken);
    }

    public async Task<IActionResult> OnPostReassignAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, OffboardingSteps.Reassign, await reassign.RunAsync(HttpContext.Actor(), id, new ReassignInput(ReceiverId), cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostRevokeTokensAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, OffboardingSteps.RevokeTokens, await revokeTokens.RunAsync(HttpContext.Actor(), id, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostChecklistAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await saveChecklist.RunAsync(HttpContext.Actor(), id, new ChecklistInput { Items = Items }, cancellationToken);
        if (result.Outcome == Outcome.Invalid)
        {
            ChecklistErrors = result.Errors;
        }

        return await AfterAsync(id, OffboardingSteps.ExternalSystems, result, cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(Guid id, string? doneStep, Result result, CancellationToken cancellationToken)
    {
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (result.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        if (result.IsOk && doneStep is not null)
        {
            return Redirect($"/admin/users/{id}/offboard?notice={doneStep}#step-{doneStep}");
        }

        if (!result.IsOk)
        {
            ReceiverError = result.Errors.TryGetValue(ReassignLeaversRecords.Field, out var messages) ? string.Join(" ", messages) : null;
            if (result.Outcome != Outcome.Invalid && result.Message is not null)
            {
                ModelState.AddModelError("", result.Message);
            }
        }

        var keepItems = result.Outcome == Outcome.Invalid && doneStep == OffboardingSteps.ExternalSystems;
        return await ShowAsync(id, cancellationToken, keepItems);
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken cancellationToken, bool keepPostedItems = false)
    {
        var state = await read.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (state.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!state.IsOk)
        {
            return NotFound();
        }

        State = state.Value;
        if (!keepPostedItems)
        {
            Items = [.. State.Checklist.Select(c => new ChecklistItemInput { Name = c.Name, Revoked = c.Revoked })];
        }

        while (Items.Count(i => string.IsNullOrWhiteSpace(i.Name)) < BlankRows && Items.Count < SaveOffboardingChecklist.MaxItems)
        {
            Items.Add(new ChecklistItemInput());
        }

        Receivers = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Id != id).OrderBy(u => u.FullName)
            .Select(u => new Receiver(u.Id, u.FullName + " <" + u.Email + ">")).ToListAsync(cancellationToken);
        return Page();
    }
}
