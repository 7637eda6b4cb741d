using Microsoft.Extensions.Configuration.Memory;

namespace Crm.Web.Operations;

/// <summary>
/// The shipped <c>appsettings.json</c>, built into the assembly and read as the first, weakest
/// configuration source (ADR 0015). The file on disk, environment variables and the command line
/// override it, but a missing or partial file no longer falls back to the framework's defaults:
/// those log every SQL statement at Information (87 MB in a 10-minute benchmark) and print plain
/// text instead of the CRM's JSON lines. One source of truth: the file is the defaults.
/// </summary>
public static class BuiltInSettings
{
    private const string Resource = "Crm.Web.appsettings.json";

    public static IReadOnlyDictionary<string, string?> Values { get; } = Read();

    public static ConfigurationManager AddBuiltInSettings(this ConfigurationManager configuration)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Values });
        return configuration;
    }

    private static Dictionary<string, string?> Read()
    {
        using var json = typeof(BuiltInSettings).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The built-in settings ({Resource}) are missing from the assembly.");
        // Sections come out as keys without a value: only the values are settings.
        return new ConfigurationBuilder().AddJsonStream(json).Build().AsEnumerable()
            .Where(setting => setting.Value is not null)
            .ToDictionary(setting => setting.Key, setting => setting.Value, StringComparer.OrdinalIgnoreCase);
    }
}
