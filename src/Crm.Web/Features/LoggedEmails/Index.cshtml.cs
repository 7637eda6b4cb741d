using Crm.Web.Features.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailsPage(ListLoggedEmails list, RecordAccess access) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Direction { get; set; }

    public ListPage<LoggedEmailListItem> Emails { get; private set; } = new([], null, null);
    public bool CanCreate { get; private set; }
    public bool CanExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = HttpContext.Actor();
        var result = await list.RunAsync(actor, new LoggedEmailQuery(Search, Sort, Cursor, PageSize, string.IsNullOrEmpty(Direction) ? null : Direction), cancellationToken);
        if (result.IsOk)
        {
            Emails = result.Value!;
        }
        else
        {
            result.CopyTo(ModelState, "");
        }

        var module = CrmModules.Emails.Key;
        CanCreate = !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Create, null, cancellationToken)).Allowed;
        CanExport = (await access.DecideAsync(actor, module, PermissionAction.Export, null, cancellationToken)).Allowed;
        return Page();
    }

    public string Link(string? cursor) => "/emails" + QueryOf(cursor);

    public string ExportLink => "/api/v1/emails/export" + QueryOf(null);

    private string QueryOf(string? cursor) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["search"] = string.IsNullOrWhiteSpace(Search) ? null : Search,
            ["sort"] = Sort,
            ["direction"] = string.IsNullOrEmpty(Direction) ? null : Direction,
            ["cursor"] = cursor,
        }.Where(p => p.Value is not null)).ToUriComponent();
}
