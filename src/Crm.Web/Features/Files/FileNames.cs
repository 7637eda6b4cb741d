using System.Text;

namespace Crm.Web.Features.Files;

/// <summary>Turns a name given by an uploader into one safe to store, show and send back as a download name.</summary>
public static class FileNames
{
    public const string Fallback = "file";

    /// <summary>
    /// Keeps only the last path segment (so "../../etc/passwd" is "passwd" and "C:\x" is "x"),
    /// drops control characters, trims spaces and dots at the ends, and caps the length while
    /// keeping the extension. Markup stays text: pages encode it when they show it.
    /// </summary>
    public static string Sanitise(string? given)
    {
        var name = given ?? "";
        var cut = name.LastIndexOfAny(['/', '\\']);
        name = cut >= 0 ? name[(cut + 1)..] : name;
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]))
        {
            name = name[2..];
        }

        var clean = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (!char.IsControl(c) && c is not ('\u2028' or '\u2029' or '\u200e' or '\u200f' or '\u202a' or '\u202b' or '\u202c' or '\u202d' or '\u202e'))
            {
                clean.Append(c);
            }
        }

        name = clean.ToString().Trim().Trim('.').Trim();
        if (name.Length > FileObject.NameMaxLength)
        {
            var extension = Path.GetExtension(name);
            extension = extension.Length is > 1 and <= 20 ? extension : "";
            name = name[..(FileObject.NameMaxLength - extension.Length)].TrimEnd() + extension;
        }

        return name.Length == 0 ? Fallback : name;
    }

    /// <summary>A plausible media type or octet-stream: the stored type is sent back as given, so it must not carry parameters or header tricks.</summary>
    public static string ContentType(string? given)
    {
        var value = (given ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var ok = value.Length is > 2 and <= FileObject.ContentTypeMaxLength && slash > 0 && slash < value.Length - 1
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_');
        return ok ? value : "application/octet-stream";
    }
}
