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
