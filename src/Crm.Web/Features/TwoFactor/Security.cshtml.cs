using Crm.Web.Features.Account;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.TwoFactor;

/// <summary>/account/security: set up, confirm and turn off two-factor sign-in; renew recovery codes; add, rename and remove passkeys.</summary>
public sealed class SecurityPage(
    ReadOwnSecurity read,
    StartEnrolment start,
    ConfirmEnrolment confirm,
    TurnOffTwoFactor turnOff,
    RenewRecoveryCodes renew,
    AddPasskey addPasskey,
    RenamePasskey renamePasskey,
    RemovePasskey removePasskey,
    FreshSignIn freshSignIn,
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

    /// <summary>The session is not fresh: adding or removing a passkey asks for the password (<see cref="FreshSignIn"/>).</summary>
    public bool NeedsPassword { get; private set; }

    /// <summary>The passkey whose rename or removal was refused, so that its row shows the message.</summary>
    public Guid? FailedPasskey { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Notice = done switch
        {
            "off" => "Two-factor sign-in is off.",
            "passkey-added" => "The passkey is added. Signing in can use it from now on.",
            "passkey-renamed" => "The passkey is renamed.",
            "passkey-removed" => "The passkey is removed.",
            _ => null,
        };
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

    /// <summary>The browser's options for adding a passkey (JSON), after the name and a fresh sign-in are checked; messages as JSON otherwise.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(string? passkeyName, string? currentPassword, CancellationToken cancellationToken)
    {
        var result = await addPasskey.StartAsync(HttpContext, passkeyName, currentPassword, cancellationToken);
        return PasskeyOptions.Answer(result, Response);
    }

    public async Task<IActionResult> OnPostPasskeyAddAsync(string? credential, CancellationToken cancellationToken)
    {
        var result = await addPasskey.FinishAsync(HttpContext, credential, cancellationToken);
        if (!result.IsOk)
        {
            // The form is gone by now (the browser sent the authenticator's answer): the summary says it all.
            foreach (var message in result.Errors.Values.SelectMany(m => m).Append(result.Outcome == Outcome.Invalid ? null : result.Message).OfType<string>())
            {
                ModelState.AddModelError("", message);
            }

            return await ShowAsync(cancellationToken);
        }

        return Redirect(SecondFactorPolicy.SecurityPath + "?done=passkey-added");
    }

    public async Task<IActionResult> OnPostPasskeyRenameAsync(Guid id, string? passkeyName, CancellationToken cancellationToken)
    {
        var result = await renamePasskey.RunAsync(HttpContext.Actor(), id, passkeyName, cancellationToken);
        return await PasskeyAnswerAsync(id, result, "passkey-renamed", cancellationToken);
    }

    public async Task<IActionResult> OnPostPasskeyRemoveAsync(Guid id, string? currentPassword, CancellationToken cancellationToken)
    {
        var result = await removePasskey.RunAsync(HttpContext, id, currentPassword, cancellationToken);
        return await PasskeyAnswerAsync(id, result, "passkey-removed", cancellationToken);
    }

    private async Task<IActionResult> PasskeyAnswerAsync(Guid id, Result result, string done, CancellationToken cancellationToken)
    {
        if (result.Outcome == Outcome.NotFound)
        {
            return NotFound();
        }

        if (!result.IsOk)
        {
            // Keyed by the row's own input names, which the failed row shows its messages under.
            foreach (var (field, messages) in result.Errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(field, message);
                }
            }

            if (result.Outcome != Outcome.Invalid && result.Message is not null)
            {
                ModelState.AddModelError("", result.Message);
            }

            FailedPasskey = id;
            return await ShowAsync(cancellationToken);
        }

        return Redirect(SecondFactorPolicy.SecurityPath + "?done=" + done);
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
        NeedsPassword = await freshSignIn.NeedsPasswordAsync(cancellationToken);
        return Page();
    }

    public sealed class SecurityForm
    {
        public string? Code { get; set; }
        public string? Password { get; set; }
        public string? TurnOffPassword { get; set; }
    }
}
