using Crm.Web.Records;

namespace Crm.Web.Features.Deals;

public sealed class DeleteDealPage(DeleteOwnedRecord<Deal> delete) : DeleteOwnedRecordPage<Deal>(delete, "/deals");
