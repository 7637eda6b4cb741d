using Crm.Web.Features.Help;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Emails = ModuleDefinition.Standard("emails", "Emails", "Email") with { Order = 80 };
    }
}

namespace Crm.Web.Features.LoggedEmails
{
    public sealed class LoggedEmailsSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Emails];

        public void MapApi(RouteGroupBuilder api) => api.MapLoggedEmailsApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddRecordLookup<LoggedEmailLookup>();
            services.AddRecordDependents<LoggedEmailDependents>();
            services.AddScoped<ListLoggedEmails>();
            services.AddScoped<ReadLoggedEmail>();
            services.AddScoped<SaveLoggedEmail>();
            services.AddOwnedRecordDeletion(new OwnedRecordDeletion<LoggedEmail>(CrmModules.Emails.Key, "email", "email-deleted", "logged email", e => e.Subject));
            services.AddScoped<ExportLoggedEmails>();
            services.AddOwnerMoves<LoggedEmail>(CrmModules.Emails);
            services.AddSection(new Section("Emails", "Emails exchanged with customers, logged against deals, leads, companies and contacts.", "/emails", 60, _ => true)
            {
                Module = CrmModules.Emails.Key,
            });
            services.AddHelpTopic(new HelpTopic("emails", "Logged emails",
            [
                "Log an email you sent to or received from a customer, and attach it to a record: a deal, a lead, a company or a contact (choose the kind of record, then type part of its name and pick it from the suggestions, or type its ID). The record's page then lists its emails.",
                "From and To must be email addresses; To may hold several, separated by commas. The body is plain text: it is always shown exactly as written, never as a web page.",
                "An incoming email records what the sender wrote and cannot be edited; it can still be deleted if your role allows. Outgoing emails can be corrected.",
                "Deleting the record an email is attached to deletes its emails too; the delete confirmation lists them.",
            ]));
        }
    }
}
