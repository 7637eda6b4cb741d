using Crm.Web.Features.Account;

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
}

public enum SectionArea
{
    Home,
    Administration,
}

public static class SectionRegistration
{
    public static IServiceCollection AddSection(this IServiceCollection services, Section section) =>
        services.AddSingleton(section);
}
