using Crm.Web.Features.ApiTokens;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.Webhooks;

/// <summary>Changes an endpoint's settings (not its secret: that is rotated from its page).</summary>
public sealed class EditWebhookPage(SaveWebhook save, ReadWebhook read, ListTokenUsers listUsers, WebhookFilters filters) : PageModel
{
    [BindProperty]
    public WebhookForm Input { get; set; } = new();

    public IReadOnlyList<TokenUser> Users { get; private set; } = [];

    /// <summary>The fields a filter may name, by module.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RecordField>> FilterFields { get; private set; } = new Dictionary<string, IReadOnlyList<RecordField>>();

    public string Title { get; private set; } = "";

    /// <summary>The events the disabled endpoint holds: enabling it asks what becomes of them.</summary>
    public int Missed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await read.RunAsync(HttpContext.Actor(), id, nameof(WebhookDeliveryStatus.Pending), cancellationToken);
        if (!result.IsOk)
        {
            return result.Outcome == Outcome.NotFound ? NotFound() : Forbid();
        }

        Input = WebhookForm.From(result.Value.Endpoint);
        Title = result.Value.Endpoint.Name;
        Missed = result.Value.Endpoint.Enabled ? 0 : result.Value.Endpoint.Health.Waiting;
        return await LoadUsersAsync(cancellationToken) ? Page() : Forbid();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (Input.ToInput(ModelState) is { } input)
        {
            var result = await save.UpdateAsync(HttpContext.Actor(), id, input, cancellationToken);
            switch (result.Outcome)
            {
                case Outcome.Ok:
                    return Redirect($"/admin/webhooks/{id}");
                case Outcome.NotFound:
                    return NotFound();
                default:
                    result.CopyTo(ModelState);
                    break;
            }
        }

        Title = Input.Name ?? "";
        if ((await read.RunAsync(HttpContext.Actor(), id, nameof(WebhookDeliveryStatus.Pending), cancellationToken)).Value?.Endpoint is { } endpoint)
        {
            Missed = endpoint.Enabled ? 0 : endpoint.Health.Waiting;
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
