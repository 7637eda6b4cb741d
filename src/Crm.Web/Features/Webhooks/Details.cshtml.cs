using System.Globalization;
using Crm.Web.Features.Account;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Webhooks;

/// <summary>One endpoint: its settings and health, its delivery log, and its actions (test, rotate, debug, replay, delete).</summary>
public sealed class WebhookPage(
    ReadWebhook read, SendTestWebhook test, RotateWebhookSecret rotate, SetWebhookDebug debug, ReplayWebhookDeliveries replay, DeleteWebhook delete, FreshSignIn freshSignIn) : PageModel
{
    public WebhookDetails Details { get; private set; } = null!;

    /// <summary>The answer to "Send test event", shown inline.</summary>
    public WebhookAttemptResult? TestResult { get; private set; }

    /// <summary>A rotated secret, shown once in the answer to the POST.</summary>
    public WebhookWithSecret? Rotated { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>The session is older than 10 minutes: rotating the secret asks for the password.</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>The "since" of the replay form, echoed back with its preview.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Since { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? notice, CancellationToken cancellationToken)
    {
        Notice = notice switch
        {
            "replayed" => "The delivery is queued to be sent again.",
            "debug" => "Debug mode changed.",
            _ => null,
        };
        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostTestAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await test.RunAsync(HttpContext.Actor(), id, cancellationToken);
        if (result.IsOk)
        {
            TestResult = result.Value;
        }
        else if (result.Outcome == Outcome.Invalid)
        {
            ModelState.AddModelError("", string.Join(" ", result.Errors.SelectMany(e => e.Value)));
        }
        else
        {
            return Refused(result);
        }

        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostRotateAsync(Guid id, string? currentPassword, CancellationToken cancellationToken)
    {
        var result = await rotate.RunAsync(HttpContext.Actor(), id, currentPassword, cancellationToken);
        if (result.Outcome == Outcome.Invalid)
        {
            // The password is needed or wrong: said above the actions, where the rotate form sits.
            foreach (var message in result.Errors.Values.SelectMany(m => m))
            {
                ModelState.AddModelError("", message);
            }

            return await LoadAsync(id, cancellationToken);
        }

        if (!result.IsOk)
        {
            return Refused(result);
        }

        Rotated = result.Value;
        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostDebugAsync(Guid id, string? minutes, bool off, CancellationToken cancellationToken)
    {
        if (off)
        {
            minutes = "0";
        }

        // Bound as text so that a stray value gets our message, not the binder's silent null (which would mean "the default hour").
        if (!int.TryParse(minutes?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            ModelState.AddModelError("minutes", SetWebhookDebug.LengthMessage);
            return await LoadAsync(id, cancellationToken);
        }

        var result = await debug.RunAsync(HttpContext.Actor(), id, length, cancellationToken);
        if (result.Outcome == Outcome.Invalid)
        {
            result.CopyTo(ModelState, "");
            return await LoadAsync(id, cancellationToken);
        }

        return result.IsOk ? Redirect($"/admin/webhooks/{id}?notice=debug") : Refused(result);
    }

    public async Task<IActionResult> OnPostReplayAsync(Guid id, Guid deliveryId, CancellationToken cancellationToken)
    {
        var result = await replay.OneAsync(HttpContext.Actor(), id, deliveryId, cancellationToken);
        if (result.Outcome == Outcome.Conflict)
        {
            ModelState.AddModelError("", result.Message ?? "");
            return await LoadAsync(id, cancellationToken);
        }

        return result.IsOk ? Redirect($"/admin/webhooks/{id}?notice=replayed") : Refused(result);
    }

    public async Task<IActionResult> OnPostReplayPreviewAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await replay.PreviewFailedAsync(HttpContext.Actor(), id, ParseSince(), cancellationToken);
        return await ReplayAnswerAsync(id, result, n => $"{n} failed deliveries since {Since} would be sent again.", cancellationToken);
    }

    public async Task<IActionResult> OnPostReplayFailedAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await replay.FailedAsync(HttpContext.Actor(), id, ParseSince(), cancellationToken);
        return await ReplayAnswerAsync(id, result, n => $"{n} failed deliveries are queued to be sent again.", cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await delete.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.IsOk ? Redirect("/admin/webhooks") : Refused(result);
    }

    private async Task<IActionResult> ReplayAnswerAsync(Guid id, Result<WebhookReplay> result, Func<int, string> say, CancellationToken cancellationToken)
    {
        if (result.IsOk)
        {
            Notice = say(result.Value.Count);
        }
        else if (result.Outcome == Outcome.Invalid)
        {
            ModelState.AddModelError(nameof(Since), string.Join(" ", result.Errors.SelectMany(e => e.Value)));
        }
        else
        {
            return Refused(result);
        }

        return await LoadAsync(id, cancellationToken);
    }

    /// <summary>A UTC time as typed (2026-12-01 or 2026-12-01T08:00), or null for the use case to name.</summary>
    private DateTime? ParseSince() =>
        DateTime.TryParse(Since, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var since) ? since : null;

    private IActionResult Refused(Result result) => result.Outcome == Outcome.NotFound ? NotFound() : Forbid();

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, Status, cancellationToken);
        if (!result.IsOk)
        {
            return Refused(result);
        }

        Details = result.Value;
        NeedsPassword = Rotated is null && await freshSignIn.NeedsPasswordAsync(cancellationToken);
        return Page();
    }
}
