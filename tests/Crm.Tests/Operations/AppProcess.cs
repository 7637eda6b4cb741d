using System.Diagnostics;

namespace Crm.Tests.Operations;

/// <summary>
/// The built app started as an operator starts it: a process of its own, with the given folder as
/// its content root and the SQLite database where the one-command start puts it (<c>data/crm.db</c>).
/// </summary>
internal static class AppProcess
{
    public static ProcessStartInfo In(DirectoryInfo folder, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Crm.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        // Without it the app's own folder (the test run's output) would be the content root.
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(folder.FullName);
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Crm"] = "Data Source=data/crm.db";
        start.Environment["CRM_ADMIN_EMAIL"] = "admin@crm.test";
        start.Environment["CRM_ADMIN_PASSWORD"] = "operator start passphrase 2026";
        start.Environment["Files__Root"] = Path.Combine(folder.FullName, "data", "files");
        start.Environment["Logging__Console__FormatterName"] = "simple";
        return start;
    }
}
