using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailPage(ReadLoggedEmail read) : RecordDetailsPage<LoggedEmailView>
{
    protected override Task<Result<LoggedEmailView>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) => read.RunAsync(actor, id, cancellationToken);
}
