using Crm.Web.Features.Access;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Administration;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Automation;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Countries;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Demo;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Email;
using Crm.Web.Features.Exports;
using Crm.Web.Features.Files;
using Crm.Web.Features.Gdpr;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Health;
using Crm.Web.Features.Help;
using Crm.Web.Features.IdempotencyKeys;
using Crm.Web.Features.Import;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Mailings;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Offboarding;
using Crm.Web.Features.Products;
using Crm.Web.Features.Profiles;
using Crm.Web.Features.Roles;
using Crm.Web.Features.RoleAudit;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Search;
using Crm.Web.Features.Settings;
using Crm.Web.Features.Tasks;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Features.Users;
using Crm.Web.Features.Vault;
using Crm.Web.Features.Webhooks;
using Crm.Web.Features.WhatIf;

namespace Crm.Web.Features;

/// <summary>
/// Every feature of the CRM, one line each. The order is that of the help topics' list, the search
/// groups, the delete-a-user hand-over (companies before contacts, which follow their companies)
/// and of the API's endpoints; the grant matrix orders modules by their own number.
/// </summary>
public static class FeatureList
{
    public static readonly IReadOnlyList<ICrmFeature> All =
    [
        new AuditSetup(),
        new AccountSetup(),
        new TwoFactorSetup(),
        new UsersSetup(),
        new OffboardingSetup(),
        new RolesSetup(),
        new ProfilesSetup(),
        new AccessSetup(),
        new WhatIfSetup(),
        new RoleAuditSetup(),
        new EmailSetup(),
        new DepartmentsSetup(),
        new GroupsSetup(),
        new ApiTokensSetup(),
        new IdempotencyKeysSetup(),
        new WebhooksSetup(),
        new AutomationSetup(),
        new CountriesSetup(),
        new NotificationsSetup(),
        new CompaniesSetup(),
        new ContactsSetup(),
        new SearchSetup(),
        new LeadsSetup(),
        new DealsSetup(),
        new LoggedEmailsSetup(),
        new ProductsSetup(),
        new FilesSetup(),
        new TasksSetup(),
        new MemosSetup(),
        new SettingsSetup(),
        new SchedulerSetup(),
        new DemoSetup(),
        new ActivitySetup(),
        new ExportsSetup(),
        new MailingsSetup(),
        new VaultSetup(),
        new CustomFieldsSetup(),
        new ImportSetup(),
        new HealthSetup(),
        new GdprSetup(),
        new AdministrationSetup(),
        new HelpSetup(),
    ];
}
