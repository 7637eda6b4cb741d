using Crm.Web.Records;

namespace Crm.Web.Features.Leads;

public sealed class DeleteLeadPage(DeleteOwnedRecord<Lead> delete) : DeleteOwnedRecordPage<Lead>(delete, "/leads");
