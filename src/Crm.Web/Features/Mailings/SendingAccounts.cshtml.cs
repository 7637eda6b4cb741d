using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

public sealed class SendingAccountForm
{
    public string? Name { get; set; }
    public string? FromAddress { get; set; }
    public string? Host { get; set; }
    public int? Port { get; set; } = 587;
    public string? Security { get; set; } = "StartTls";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public int? RatePerMinute { get; set; } = 30;

    public SendingAccountInput ToInput() => new(Name, FromAddress, Host, Port, Security, UserName, Password, RatePerMinute);

    /// <summary>
    /// Write-only: a typed password is never sent back to the browser. Its value is dropped from the
    /// model and the model state, but not its error, which the page must still show at the field.
    /// </summary>
    public void ForgetPassword(ModelStateDictionary modelState, string prefix = "Input")
    {
        Password = null;
        if (modelState[$"{prefix}.{nameof(Password)}"] is { } typed)
        {
            typed.RawValue = null;
            typed.AttemptedValue = null;
        }
    }
}

/// <summary>"My sending accounts": list, add (with a connection test), remove; each links to its edit page. The password field is never filled back in.</summary>
public sealed class SendingAccountsPage(ListSendingAccounts list, AddSendingAccount add, TestSendingAccount test, RemoveSendingAccount remove) : PageModel
{
    [BindProperty]
    public SendingAccountForm Input { get; set; } = new();

    public IReadOnlyList<SendingAccountView> Accounts { get; private set; } = [];
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Notice = done switch
        {
            "added" => "The sending account was added.",
            "saved" => "The sending account was saved.",
            "removed" => "The sending account was removed.",
            _ => null,
        };
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await add.RunAsync(HttpContext.Actor(), Input.ToInput(), cancellationToken);
            if (result.IsOk)
            {
                return Redirect("/sending-accounts?done=added");
            }

            if (result.Outcome == Outcome.Forbidden)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            result.CopyTo(ModelState);
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await test.RunAsync(HttpContext.Actor(), Input.ToInput(), null, cancellationToken);
            if (result.IsOk)
            {
                Notice = result.Value;
            }
            else
            {
                result.CopyTo(ModelState);
            }
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken)
    {
        var result = await remove.RunAsync(HttpContext.Actor(), id, cancellationToken);
        return result.Outcome switch
        {
            Outcome.Ok => Redirect("/sending-accounts?done=removed"),
            Outcome.NotFound => NotFound(),
            _ => StatusCode(StatusCodes.Status403Forbidden),
        };
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        Input.ForgetPassword(ModelState);
        var accounts = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!accounts.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Accounts = accounts.Value;
        return Page();
    }
}
