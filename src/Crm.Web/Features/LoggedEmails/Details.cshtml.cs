using Crm.Web.Records;

namespace Crm.Web.Features.LoggedEmails;

public sealed class LoggedEmailPage(ReadLoggedEmail read) : RecordViewPage<LoggedEmailDetails>(read);
