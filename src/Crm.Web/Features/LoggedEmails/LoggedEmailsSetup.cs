using Crm.Web.Features.Help;
using Crm.Web.Features.Records;
using Crm.Web.Features.Users;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

public static class LoggedEmailsSetup
{
    public static IServiceCollection AddLoggedEmails(this IServiceCollection services)
    {
        services.AddRecordLookup<LoggedEmailLookup>();
        services.AddRecordDependents<LoggedEmailDependents>();
        services.AddScoped<ListLoggedEmails>();
        services.AddScoped<ReadLoggedEmail>();
        services.AddScoped<SaveLoggedEmail>();
        services.AddOwnedRecordDeletion(new OwnedRecordDeletion<LoggedEmail>(Security.Permissions.CrmModules.Emails.Key, "email", "email-deleted", "logged email", e => e.Subject));
        services.AddScoped<ExportLoggedEmails>();
        services.AddSingleton(provider => new OwnedRecords(
            "emails",
            (db, userId, cancellationToken) => db.LoggedEmails.CountAsync(e => e.OwnerId == userId, cancellationToken),
            async (db, from, to, cancellationToken) =>
            {
                var department = await Owners.DepartmentOfAsync(db, to, cancellationToken);
                var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                foreach (var email in await db.LoggedEmails.Where(e => e.OwnerId == from).ToListAsync(cancellationToken))
                {
                    email.OwnerId = to;
                    email.DepartmentId = department;
                    email.ModifiedAt = now;
                    email.ModifiedById = null;
                    email.Version++;
                }

                await db.SaveChangesAsync(cancellationToken);
            }));
        services.AddSection(new Section("Emails", "Emails exchanged with customers, logged against deals, leads, companies and contacts.", "/emails", 60, _ => true)
        {
            Module = Security.Permissions.CrmModules.Emails.Key,
        });
        services.AddHelpTopic(new HelpTopic("emails", "Logged emails",
        [
            "Log an email you sent to or received from a customer, and attach it to a record: a deal, a lead, a company or a contact (choose the kind of record, then type part of its name and pick it from the suggestions, or type its ID). The record's page then lists its emails.",
            "From and To must be email addresses; To may hold several, separated by commas. The body is plain text: it is always shown exactly as written, never as a web page.",
            "An incoming email records what the sender wrote and cannot be edited; it can still be deleted if your role allows. Outgoing emails can be corrected.",
            "Deleting the record an email is attached to deletes its emails too; the delete confirmation lists them.",
        ]));
        return services;
    }
}
