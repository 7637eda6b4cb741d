using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

/// <summary>Edit one of my sending accounts: the form comes filled in, except the password, which is never sent back.</summary>
public sealed class SendingAccountEditPage(ListSendingAccounts list, EditSendingAccount edit, TestSendingAccount test) : PageModel
{
    [BindProperty]
    public SendingAccountForm Input { get; set; } = new();

    public SendingAccountView Account { get; private set; } = null!;
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        Input = new SendingAccountForm
        {
            Name = Account.Name, FromAddress = Account.FromAddress, Host = Account.Host, Port = Account.Port,
            Security = Account.Security.ToString(), UserName = Account.UserName, RatePerMinute = Account.RatePerMinute,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await edit.RunAsync(HttpContext.Actor(), id, Input.ToInput(), cancellationToken);
            switch (result.Outcome)
            {
                case Outcome.Ok:
                    return Redirect("/sending-accounts?done=saved");
                case Outcome.NotFound:
                    return NotFound();
                case Outcome.Forbidden:
                    return StatusCode(StatusCodes.Status403Forbidden);
                default:
                    result.CopyTo(ModelState);
                    break;
            }
        }

        return await ShowAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostTestAsync(int id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        if (ModelState.IsValid)
        {
            var result = await test.RunAsync(HttpContext.Actor(), Input.ToInput(), Account, cancellationToken);
            if (result.IsOk)
            {
                Notice = result.Value;
            }
            else
            {
                result.CopyTo(ModelState);
            }
        }

        Input.ForgetPassword(ModelState);
        return Page();
    }

    private async Task<IActionResult> ShowAsync(int id, CancellationToken cancellationToken)
    {
        Input.ForgetPassword(ModelState);
        return await FindAsync(id, cancellationToken) ?? Page();
    }

    /// <summary>Loads the caller's own account into <see cref="Account"/>; another user's is not found.</summary>
    private async Task<IActionResult?> FindAsync(int id, CancellationToken cancellationToken)
    {
        var accounts = await list.RunAsync(HttpContext.Actor(), cancellationToken);
        if (!accounts.IsOk)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (accounts.Value.FirstOrDefault(a => a.Id == id) is not { } account)
        {
            return NotFound();
        }

        Account = account;
        return null;
    }
}
