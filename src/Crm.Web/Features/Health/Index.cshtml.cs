using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Health;

/// <summary><c>/admin/health</c>: every indicator measured now, its history, and the form of the thresholds (administrators, by the /admin convention).</summary>
public sealed class HealthPage(ReadHealth read, SaveHealthThresholds save, SaveHealthDigest saveDigest) : PageModel
{
    public HealthOverview? Overview { get; private set; }

    public bool Saved { get; private set; }

    /// <summary>The digest choice was just saved: "on" or "off".</summary>
    public string? DigestSaved { get; private set; }

    /// <summary>The digest form's one box (its own form, so saving it never posts the thresholds).</summary>
    [BindProperty]
    public bool Digest { get; set; }

    [BindProperty]
    public List<HealthThresholdInput> Input { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Saved = done == "saved";
        DigestSaved = done is "digest-on" or "digest-off" ? done[7..] : null;
        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostDigestAsync(CancellationToken cancellationToken)
    {
        var result = await saveDigest.RunAsync(HttpContext.Actor(), new HealthDigestInput(Digest), cancellationToken);
        if (result.IsOk)
        {
            return Redirect($"/admin/health?done=digest-{(Digest ? "on" : "off")}");
        }

        if (result.Outcome == Web.Outcome.Forbidden)
        {
            return Forbid();
        }

        foreach (var message in result.Errors.SelectMany(e => e.Value))
        {
            ModelState.AddModelError(nameof(Digest), message);
        }

        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A value that is not a number is the binder's message by its field; nothing is saved then.
        if (ModelState.IsValid)
        {
            var result = await save.RunAsync(HttpContext.Actor(), Input, cancellationToken);
            if (result.IsOk)
            {
                return Redirect("/admin/health?done=saved");
            }

            foreach (var (field, messages) in result.Errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(PageKey(field), message);
                }
            }

            if (result.Outcome != Web.Outcome.Invalid && result.Message is not null)
            {
                ModelState.AddModelError("", result.Message);
            }
        }

        return await LoadAsync(cancellationToken) ? Page() : Forbid();
    }

    /// <summary>The value to show in a threshold's box: what was typed (after a refusal), else the threshold in force.</summary>
    public string Typed(int index, string field, double current) =>
        ModelState.TryGetValue($"Input[{index}].{field}", out var entry) && entry.AttemptedValue is { } typed
            ? typed
            : HealthIndicatorRegistration.Number(current);

    /// <summary><c>thresholds[2].warning</c> (the use case's, as the API spells it) → <c>Input[2].Warning</c>.</summary>
    private static string PageKey(string field)
    {
        if (!field.StartsWith("thresholds", StringComparison.Ordinal))
        {
            return "";
        }

        var rest = field["thresholds".Length..];
        var dot = rest.LastIndexOf('.');
        return dot < 0 ? "" : $"Input{rest[..dot]}.{char.ToUpperInvariant(rest[dot + 1])}{rest[(dot + 2)..]}";
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        Overview = result.Value;
        return result.IsOk;
    }
}
