using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailsPage(ListLoggedEmails list, RecordAccess access) : RecordListPage<LoggedEmailListItem>(access, CrmModules.Emails)
{
    [ListFilter] public string? Direction { get; set; }

    public ListPage<LoggedEmailListItem> Emails => List;

    protected override Task<Result<ListPage<LoggedEmailListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new LoggedEmailQuery(Search, Sort, Cursor, PageSize, Given(Direction)), cancellationToken);
}
