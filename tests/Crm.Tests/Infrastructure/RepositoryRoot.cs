namespace Crm.Tests.Infrastructure;

public static class RepositoryRoot
{
    /// <summary>The folder holding Crm.slnx, found from the test binaries upwards.</summary>
    public static string Path
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(folder.FullName, "Crm.slnx")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException($"No Crm.slnx above {AppContext.BaseDirectory}.");
        }
    }
}
