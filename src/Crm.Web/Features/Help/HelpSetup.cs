using Crm.Web.Web;

namespace Crm.Web.Features.Help;

/// <summary>The help pages: the core topics of <see cref="HelpTopics"/> and those the features register.</summary>
public sealed class HelpSetup : ICrmFeature
{
    // Reached from the "?" of every page, not from the navigation bar.
    public void AddServices(IServiceCollection services) =>
        services.AddSection(new Section("Help", "How each screen works, one page per screen.", "/help", 1000, _ => true) { InNavigation = false });
}
