using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Features.Files;

public sealed class FilesPage(ListFiles list, RecordAccess access) : RecordListPage<FileListItem>(access, CrmModules.Files)
{
    public ListPage<FileListItem> Files => List;

    protected override Task<Result<ListPage<FileListItem>>> ListAsync(Actor actor, CancellationToken cancellationToken) =>
        list.RunAsync(actor, new FileQuery(null, null, Search, Sort, Cursor, PageSize), cancellationToken);
}
