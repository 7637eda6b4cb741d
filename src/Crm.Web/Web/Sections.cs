using Crm.Web.Features.Account;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;

namespace Crm.Web.Web;

/// <summary>
/// A section of the CRM shown on the home page. Each feature registers its own; the home page
/// lists those the signed-in person may use, so nobody is shown a door they cannot open.
/// </summary>
public sealed record Section(string Title, string Description, string Url, int Order, Func<SignedInUser, bool> IsAvailableTo)
{
    /// <summary>Where the section is listed: the home page, or the administration page.</summary>
    public SectionArea Area { get; init; } = SectionArea.Home;

    /// <summary>
    /// A CRM module behind the section: it is then listed only for people whose effective view
    /// scope on that module is wider than None (asked of the permission engine on each request).
    /// </summary>
    public string? Module { get; init; }

    /// <summary>
    /// Whether the navigation bar of every page links it too (home-page sections only). Off for
    /// those the bar already reaches another way: your account (the menu under your name), help.
    /// </summary>
    public bool InNavigation { get; init; } = true;
}

public enum SectionArea
{
    Home,
    Administration,
}

/// <summary>
/// The home-page sections the signed-in person may use, in order: the home page lists them, and
/// the navigation bar of every page links them. Worked out once per request.
/// </summary>
public sealed class AvailableSections(IEnumerable<Section> sections, Access access)
{
    private IReadOnlyList<Section>? _available;

    public async Task<IReadOnlyList<Section>> ForAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (_available is not null)
        {
            return _available;
        }

        if (http.SignedIn() is not { } user)
        {
            return _available = [];
        }

        var actor = http.Actor();
        var shown = new List<Section>();
        foreach (var section in sections.Where(s => s.Area == SectionArea.Home && s.IsAvailableTo(user)))
        {
            if (section.Module is null || (await access.DecideAsync(actor, section.Module, PermissionAction.View, null, cancellationToken)).Allowed)
            {
                shown.Add(section);
            }
        }

        return _available = [.. shown.OrderBy(s => s.Order).ThenBy(s => s.Title, StringComparer.Ordinal)];
    }

    /// <summary>The section a page belongs to: the one whose address starts the page's path, the longest such.</summary>
    public static Section? Current(IEnumerable<Section> sections, PathString path) =>
        sections.Where(s => s.Url == "/" ? path == "/" : path.StartsWithSegments(s.Url, StringComparison.OrdinalIgnoreCase))
            .MaxBy(s => s.Url.Length);
}

public static class SectionRegistration
{
    public static IServiceCollection AddSection(this IServiceCollection services, Section section) =>
        services.AddSingleton(section);
}
