using System.Globalization;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.TwoFactor;

/// <summary>Administration › Two-factor: everyone's status, the policy, and the reset of someone's second factor.</summary>
public sealed class TwoFactorAdministrationPage(ListTwoFactorStatus list, ResetSecondFactor reset, SaveTwoFactorPolicy savePolicy) : PageModel
{
    public const string FilterAdministratorsWithout = "administrators-without";

    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    [BindProperty]
    public ResetForm Input { get; set; } = new();

    public TwoFactorOverview Overview { get; private set; } = new(true, [], 0, []);

    public string? Notice { get; private set; }

    /// <summary>The grace period as typed, shown again with its message when it was refused.</summary>
    public string? GraceDaysEntered { get; private set; }

    /// <summary>The user whose reset failed, so that their row shows the message.</summary>
    public Guid? FailedReset { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Notice = done switch
        {
            "reset" => "The second factor is reset. The person was signed out and emailed; they set up a new one at their next sign-in.",
            "policy" => "The policy is saved. It applies from each person's next sign-in.",
            _ => null,
        };
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostResetAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await reset.RunAsync(HttpContext.Actor(), id, Input.Password, cancellationToken);
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            FailedReset = id;
            Input = new ResetForm();
            return await ShowAsync(cancellationToken);
        }

        return Redirect("/admin/two-factor?done=reset");
    }

    public async Task<IActionResult> OnPostPolicyAsync(bool requiredForAdministrators, int[] requiredRoles, string? graceDays, bool passwordlessSignIn, CancellationToken cancellationToken)
    {
        // Bound as text so that "abc" or "1.5" gets the field's own message rather than a model binder's.
        if (!int.TryParse(graceDays?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            GraceDaysEntered = graceDays;
            ModelState.AddModelError(SaveTwoFactorPolicy.GraceDaysField, SaveTwoFactorPolicy.GraceDaysRange);
            return await ShowAsync(cancellationToken);
        }

        var result = await savePolicy.RunAsync(HttpContext.Actor(), requiredForAdministrators, requiredRoles, days, passwordlessSignIn, cancellationToken);
        if (result.Outcome == Outcome.Forbidden)
        {
            return Forbid();
        }

        if (!result.IsOk)
        {
            if (result.Errors.TryGetValue(SaveTwoFactorPolicy.GraceDaysField, out var messages))
            {
                GraceDaysEntered = graceDays;
                ModelState.AddModelError(SaveTwoFactorPolicy.GraceDaysField, messages[0]);
                return await ShowAsync(cancellationToken);
            }

            // The checkboxes have no message place of their own: the summary says it.
            ModelState.AddModelError("", result.Errors.Values.SelectMany(m => m).First());
            return await ShowAsync(cancellationToken);
        }

        return Redirect("/admin/two-factor?done=policy");
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var result = await list.RunAsync(HttpContext.Actor(), Filter == FilterAdministratorsWithout, cancellationToken);
        if (!result.IsOk)
        {
            return Forbid();
        }

        Overview = result.Value;
        return Page();
    }

    public sealed class ResetForm
    {
        public string? Password { get; set; }
    }
}
