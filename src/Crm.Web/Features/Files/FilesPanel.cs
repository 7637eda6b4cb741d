using System.Globalization;

namespace Crm.Web.Features.Files;

/// <summary>The model of the <c>_Files</c> partial: the record whose files it lists and to which it attaches.</summary>
public sealed record FilesPanel(string Module, int Id)
{
    public static string SizeText(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
