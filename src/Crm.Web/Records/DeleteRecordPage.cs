using Crm.Web.Security.Permissions;

namespace Crm.Web.Records;

/// <summary>
/// The delete confirmation of every module deleted through <see cref="DeleteOwnedRecord{T}"/>
/// (<c>Features/Shared/DeleteRecord.cshtml</c> at <c>/{module}/{id}/delete</c>): the module comes from
/// the address, its delete from <see cref="OwnedRecordDeletionSetup.AddOwnedRecordDeletion{T}"/>, its
/// names from the permission catalogue. An address of another module is a 404; modules with a delete
/// of their own keep their own page, whose literal address wins over this one.
/// </summary>
public sealed class DeleteRecordPage(IServiceProvider services, PermissionCatalog catalog) : DeleteConfirmationPage<OwnedRecordDeleteImpact>(null, "")
{
    public string ModuleKey => RouteData.Values["module"] as string ?? "";

    /// <summary>The module's name, as the list's heading says it ("Products").</summary>
    public string Title => catalog[ModuleKey].Title;

    /// <summary>How the page names one record ("product").</summary>
    public string Noun => (catalog[ModuleKey].RecordName ?? Title).ToLowerInvariant();

    protected override IRecordDeletion<OwnedRecordDeleteImpact>? Deletion => services.GetKeyedService<IRecordDeletion<OwnedRecordDeleteImpact>>(ModuleKey);

    protected override string ListUrl => "/" + ModuleKey;
}
