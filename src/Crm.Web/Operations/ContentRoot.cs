namespace Crm.Web.Operations;

/// <summary>
/// Which folder is the content root: where the app reads <c>appsettings.json</c> and serves
/// <c>wwwroot</c> from, and what the relative data paths (<c>data/</c>) are relative to
/// (ADR 0015). In this order:
/// <list type="number">
/// <item>the operator's choice, <c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or
/// <c>DOTNET_CONTENTROOT</c>, as ASP.NET reads it;</item>
/// <item>the working folder when it holds an <c>appsettings.json</c>: the project folder under
/// <c>dotnet run</c> (its <c>wwwroot</c> and <c>data/</c> live there), or an installation started
/// from its own folder, as before;</item>
/// <item>otherwise the app's own folder (<see cref="AppContext.BaseDirectory"/>): a published app
/// started by a service manager from <c>/</c> or anywhere else still finds its settings and
/// <c>wwwroot</c>, instead of the framework's defaults and no styles.</item>
/// </list>
/// </summary>
public static class ContentRoot
{
    public const string SettingsFile = "appsettings.json";

    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Choose(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory),
    };

    /// <summary>The folder to use, or null to leave it to ASP.NET (the operator's choice or the working folder).</summary>
    internal static string? Choose(string[] args, string workingFolder, string appFolder)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables("DOTNET_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        if (!string.IsNullOrEmpty(configured) || File.Exists(Path.Combine(workingFolder, SettingsFile)))
        {
            return null;
        }

        return appFolder;
    }
}
