using Crm.Web.Features.ApiTokens;
using Crm.Web.Records;
using Crm.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Webhooks;

/// <summary>Adds an endpoint and shows its secret in the answer to the POST itself: never in a URL, TempData or a cookie.</summary>
public sealed class NewWebhookPage(SaveWebhook save, ListTokenUsers listUsers, WebhookFilters filters) : PageModel
{
    [BindProperty]
    public WebhookForm Input { get; set; } = new();

    public IReadOnlyList<TokenUser> Users { get; private set; } = [];

    /// <summary>The fields a filter may name, by module.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RecordField>> FilterFields { get; private set; } = new Dictionary<string, IReadOnlyList<RecordField>>();

    /// <summary>Set only in the answer to a successful POST.</summary>
    public WebhookWithSecret? Created { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadUsersAsync(cancellationToken) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Input.ToInput(ModelState) is { } input)
        {
            var result = await save.CreateAsync(HttpContext.Actor(), input, cancellationToken);
            if (result.IsOk)
            {
                Created = result.Value;
                return Page();
            }

            result.CopyTo(ModelState);
        }

        return await LoadUsersAsync(cancellationToken) ? Page() : Forbid();
    }

    private async Task<bool> LoadUsersAsync(CancellationToken cancellationToken)
    {
        var result = await listUsers.RunAsync(HttpContext.Actor(), cancellationToken);
        Users = result.Value ?? [];
        var fields = new Dictionary<string, IReadOnlyList<RecordField>>();
        foreach (var module in WebhookCatalog.Modules)
        {
            fields[module.Key] = await filters.FieldsAsync(module.Key, null, cancellationToken);
        }

        FilterFields = fields;
        return result.IsOk;
    }
}
