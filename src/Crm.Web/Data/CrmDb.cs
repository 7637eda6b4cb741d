using Crm.Web.Features.Access;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Countries;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Email;
using Crm.Web.Features.Files;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Products;
using Crm.Web.Features.Profiles;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Settings;
using Crm.Web.Features.Tasks;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Data;

/// <summary>
/// The one database context. Features use it directly (no repositories); each feature keeps the
/// EF configuration of its entities beside them and is picked up by <see cref="OnModelCreating"/>.
/// One set of hand-written, provider-neutral migrations serves SQLite and PostgreSQL (ADR 0002).
/// </summary>
public class CrmDb(DbContextOptions<CrmDb> options) : IdentityUserContext<CrmUser, Guid>(options)
{
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<RoleGrant> RoleGrants => Set<RoleGrant>();
    public DbSet<RoleFieldRule> RoleFieldRules => Set<RoleFieldRule>();
    public DbSet<Profile> Profiles => Set<Profile>();
    public DbSet<ProfileGrant> ProfileGrants => Set<ProfileGrant>();
    public DbSet<ProfileFieldRule> ProfileFieldRules => Set<ProfileFieldRule>();
    public DbSet<RoleProfile> RoleProfiles => Set<RoleProfile>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<UserDepartment> UserDepartments => Set<UserDepartment>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<GroupGrant> GroupGrants => Set<GroupGrant>();
    public DbSet<PermissionOverride> PermissionOverrides => Set<PermissionOverride>();
    public DbSet<ModuleDefault> ModuleDefaults => Set<ModuleDefault>();
    public DbSet<Share> RecordShares => Set<Share>();
    public DbSet<SharingRule> SharingRules => Set<SharingRule>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<ApiTokenDailyUsage> ApiTokenDailyUsage => Set<ApiTokenDailyUsage>();
    public DbSet<Features.IdempotencyKeys.IdempotentRequest> IdempotentRequests => Set<Features.IdempotencyKeys.IdempotentRequest>();
    public DbSet<ActivityEntry> ActivityLog => Set<ActivityEntry>();
    public DbSet<OutgoingEmail> OutgoingEmails => Set<OutgoingEmail>();
    public DbSet<Country> Countries => Set<Country>();
    public DbSet<CountryMismatch> CountryMismatches => Set<CountryMismatch>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Deal> Deals => Set<Deal>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<LoggedEmail> LoggedEmails => Set<LoggedEmail>();

    // Tasks, memos and files (objects-b).
    public DbSet<CrmTask> Tasks => Set<CrmTask>();
    public DbSet<TaskResponsible> TaskResponsibles => Set<TaskResponsible>();
    public DbSet<Memo> Memos => Set<Memo>();
    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();
    public DbSet<FileObject> FileObjects => Set<FileObject>();

    // Settings and scheduler (issue 6).
    public DbSet<InstanceSettings> InstanceSettings => Set<InstanceSettings>();
    public DbSet<ScheduledJob> ScheduledJobs => Set<ScheduledJob>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditSeal> AuditSeals => Set<AuditSeal>();
    public DbSet<AuditPending> AuditPending => Set<AuditPending>();

    // Retention of history and activity (issue 5).
    public DbSet<RetentionPeriod> RetentionPeriods => Set<RetentionPeriod>();
    public DbSet<AuditGap> AuditGaps => Set<AuditGap>();
    public DbSet<AuditRetentionGuard> AuditRetentionGuard => Set<AuditRetentionGuard>();
    // Sending accounts and mass mailings.
    public DbSet<Features.Mailings.SendingAccount> SendingAccounts => Set<Features.Mailings.SendingAccount>();
    public DbSet<Features.Mailings.Mailing> Mailings => Set<Features.Mailings.Mailing>();
    public DbSet<Features.Mailings.MassContact> MassContacts => Set<Features.Mailings.MassContact>();
    public DbSet<Features.Mailings.MailingOptOut> MailingOptOuts => Set<Features.Mailings.MailingOptOut>();
    public DbSet<Features.Import.ImportRun> ImportRuns => Set<Features.Import.ImportRun>();
    public DbSet<Features.Import.ImportFile> ImportFiles => Set<Features.Import.ImportFile>();
    public DbSet<Features.Import.ImportRow> ImportRows => Set<Features.Import.ImportRow>();
    public DbSet<Features.Import.ImportMapping> ImportMappings => Set<Features.Import.ImportMapping>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Identity's tables under the CRM's own names.
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("UserClaims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("UserLogins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("UserTokens");

        builder.ApplyConfigurationsFromAssembly(typeof(CrmDb).Assembly, t => !t.IsAbstract);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are stored in UTC; SQLite forgets the kind, so it is restored on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
