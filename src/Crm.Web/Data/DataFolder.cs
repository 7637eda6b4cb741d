namespace Crm.Web.Data;

/// <summary>
/// The folder the CRM writes to unless told otherwise (<c>Crm:DataFolder</c>, default <c>data</c>):
/// the SQLite file <c>crm.db</c>, uploaded files (<c>files/</c>) and the Data Protection key file
/// (<c>dataprotection.key</c>). A relative folder is relative to the content root, so a published
/// app keeps its data under its own folder; an operator points it elsewhere (<c>/var/lib/crm</c>)
/// with one setting. <c>ConnectionStrings:Crm</c>, <c>Files:Root</c> and
/// <c>DataProtection:KeyFile</c> still override each path on its own (relative to the content root).
/// </summary>
public static class DataFolder
{
    public const string Setting = "Crm:DataFolder";
    public const string Default = "data";

    public static string Resolve(IConfiguration configuration, string contentRoot) => Resolve(configuration[Setting], contentRoot);

    public static string Resolve(string? configured, string contentRoot) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Default : configured, contentRoot);
}
