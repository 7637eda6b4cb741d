using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Mailings;

public sealed class MailingForm
{
    public int? SendingAccountId { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; } = "Dear {{FirstName}},\n\n";
    public string? Module { get; set; } = "contacts";
    public string? FilterField { get; set; }
    public string? FilterValue { get; set; }

    public MailingInput ToInput() => new(SendingAccountId, Subject, Body, Module, FilterField, FilterValue);
}

/// <summary>A new mailing: the form, "Preview recipients" (a count, nothing sent) and "Send".</summary>
public sealed class NewMailingPage(ListSendingAccounts accounts, CreateMailing create) : PageModel
{
    [BindProperty]
    public MailingForm Input { get; set; } = new();

    public IReadOnlyList<SendingAccountView> Accounts { get; private set; } = [];

    public RecipientPreview? Preview { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Input.SendingAccountId = Accounts.Count > 0 ? Accounts[0].Id : null;
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await create.PreviewAsync(HttpContext.Actor(), Input.ToInput(), cancellationToken);
            if (result.IsOk)
            {
                Preview = result.Value;
            }
            else
            {
                result.CopyTo(ModelState);
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var result = await create.RunAsync(HttpContext.Actor(), Input.ToInput(), HttpContext, cancellationToken);
            if (result.IsOk)
            {
                return Redirect($"/mailings/{result.Value.Id}?sent=true");
            }

            if (result.Outcome == Outcome.Forbidden)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }

            result.CopyTo(ModelState);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Accounts = (await accounts.RunAsync(HttpContext.Actor(), cancellationToken)).Value ?? [];
}
