using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.TwoFactor;

/// <summary>/account/security: set up, confirm and turn off two-factor sign-in; renew recovery codes.</summary>
public sealed class SecurityPage(
    ReadOwnSecurity read,
    StartEnrolment start,
    ConfirmEnrolment confirm,
    TurnOffTwoFactor turnOff,
    RenewRecoveryCodes renew,
    TimeProvider clock) : PageModel
{
    [BindProperty]
    public SecurityForm Input { get; set; } = new();

    public OwnSecurity State { get; private set; } = new(false, null, 0, null, false);

    /// <summary>Recovery codes just made: shown in this one answer and never again.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    /// <summary>Held on this page: by the policy from sign-in, or because the grace period ran out since.</summary>
    public bool HeldByPolicy => User.HasClaim(SecondFactorPolicy.MustEnrolClaim, "true")
        || SecondFactorPolicy.GraceUntil(User) is { } deadline && clock.GetUtcNow().UtcDateTime >= deadline;

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Notice = done == "off" ? "Two-factor sign-in is off." : null;
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        var result = await start.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            return await ShowAsync(cancellationToken);
        }

        return Redirect(SecondFactorPolicy.SecurityPath);
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        var result = await confirm.RunAsync(HttpContext, Input.Code, cancellationToken);
        return await AnswerAsync(result, cancellationToken);
    }

    public async Task<IActionResult> OnPostRenewAsync(CancellationToken cancellationToken)
    {
        var result = await renew.RunAsync(HttpContext.Actor(), Input.Password, cancellationToken);
        return await AnswerAsync(result, cancellationToken);
    }

    public async Task<IActionResult> OnPostTurnOffAsync(CancellationToken cancellationToken)
    {
        var result = await turnOff.RunAsync(HttpContext, Input.TurnOffPassword, cancellationToken);
        if (!result.IsOk)
        {
            result.CopyTo(ModelState);
            Input = new SecurityForm();
            return await ShowAsync(cancellationToken);
        }

        return Redirect(SecondFactorPolicy.SecurityPath + "?done=off");
    }

    private async Task<IActionResult> AnswerAsync(Result<IReadOnlyList<string>> result, CancellationToken cancellationToken)
    {
        if (result.IsOk)
        {
            NewRecoveryCodes = result.Value;
            // Answered in place, never cached: the codes must not come back from history or a proxy.
            Response.Headers.CacheControl = "no-store";
        }
        else
        {
            result.CopyTo(ModelState);
        }

        Input = new SecurityForm();
        return await ShowAsync(cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var state = await read.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!state.IsOk)
        {
            return Forbid();
        }

        State = state.Value;
        return Page();
    }

    public sealed class SecurityForm
    {
        public string? Code { get; set; }
        public string? Password { get; set; }
        public string? TurnOffPassword { get; set; }
    }
}
