using Crm.Web.Features.Help;

namespace Crm.Web.Features.WhatIf;

/// <summary>
/// "What if" before a permission change (issue 29): the shared computation the role, group, user,
/// individual-permission and organisation-default screens and endpoints call for their Preview
/// button and <c>?dryRun=true</c>.
/// </summary>
public sealed class WhatIfSetup : ICrmFeature
{
    public void AddServices(IServiceCollection services)
    {
        services.AddScoped<PermissionWhatIf>();
        services.AddHelpTopic(new HelpTopic("what-if", "Preview a permission change",
        [
            "Every form that changes permissions has a Preview button beside Save: a role's permissions and sensitive fields, a user's role, departments and groups, a user's individual permissions, a group's members and permissions, and the organisation defaults. Preview saves nothing.",
            "The preview lists every active user whose rights would change: per module and action the scope before and after (None, Own, Subordinates, Department, All), fields that would become hidden, read-only or editable, and how many records they would newly see or no longer see.",
            "The records are counted with the same rules as their lists: scope, organisation default, shares, sharing rules and the module's own rules (such as a memo's author). The change is applied in a transaction that is then undone, so the counts are exactly what the people would see after saving, at the time of the preview.",
            "In a module with more than 100,000 records only the newest 100,000 are counted, and the preview says so.",
            "Bad input gives the same messages as Save. Each preview is recorded in the activity log. In the API, add ?dryRun=true to the same request to get the preview instead of saving.",
        ], AdministratorsOnly: true));
    }
}
