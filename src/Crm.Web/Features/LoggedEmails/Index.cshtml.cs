using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailsPage(ListLoggedEmails list, RecordAccess access) : RecordListPage<LoggedEmailListItem>(access, CrmModules.Emails)
{
    [BindProperty(SupportsGet = true)]
    public string? Direction { get; set; }

    public ListPage<LoggedEmailListItem> Emails => List;

    protected override Task<Result<ListPage<LoggedEmailListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new LoggedEmailQuery(Search, Sort, Cursor, PageSize, Given(Direction)), cancellationToken);

    protected override IEnumerable<KeyValuePair<string, string?>> Filters =>
    [
        new("direction", Given(Direction)),
    ];
}
