using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailPage(ReadLoggedEmail read) : RecordDetailsPage<RecordView<LoggedEmailDetails>>
{
    protected override Task<Result<RecordView<LoggedEmailDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);
}
