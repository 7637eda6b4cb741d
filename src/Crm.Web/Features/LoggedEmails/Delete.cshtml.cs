using Crm.Web.Records;

namespace Crm.Web.Features.LoggedEmails;

public sealed class DeleteLoggedEmailPage(DeleteOwnedRecord<LoggedEmail> delete) : DeleteOwnedRecordPage<LoggedEmail>(delete, "/emails");
