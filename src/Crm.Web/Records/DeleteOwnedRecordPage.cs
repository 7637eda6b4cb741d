namespace Crm.Web.Records;

/// <summary>
/// The delete confirmation of a module deleted through <see cref="DeleteOwnedRecord{T}"/>. Each
/// module's page derives from it only to name its record type and list.
/// </summary>
public abstract class DeleteOwnedRecordPage<T>(DeleteOwnedRecord<T> delete, string listUrl) : DeleteConfirmationPage<OwnedRecordDeleteImpact>(delete, listUrl)
    where T : OwnedRecord;
