using Crm.Web.Features.Help;
using Crm.Web.Features.Records;
using Crm.Web.Features.Users;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

public static class LeadsSetup
{
    public static IServiceCollection AddLeads(this IServiceCollection services)
    {
        services.AddRecordLookup<LeadLookup>();
        services.AddScoped<ListLeads>();
        services.AddScoped<ReadLead>();
        services.AddScoped<SaveLead>();
        services.AddOwnedRecordDeletion(new OwnedRecordDeletion<Lead>(Security.Permissions.CrmModules.Leads.Key, "lead", "lead-deleted", "lead", l => $"{l.FirstName} {l.LastName}"));
        services.AddScoped<ExportLeads>();
        services.AddScoped<ConvertLead>();
        services.AddSingleton(provider => new OwnedRecords(
            "leads",
            (db, userId, cancellationToken) => db.Leads.CountAsync(l => l.OwnerId == userId, cancellationToken),
            async (db, from, to, cancellationToken) =>
            {
                var department = await Owners.DepartmentOfAsync(db, to, cancellationToken);
                var now = provider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
                var leads = await db.Leads.Where(l => l.OwnerId == from).ToListAsync(cancellationToken);
                foreach (var lead in leads)
                {
                    lead.OwnerId = to;
                    lead.DepartmentId = department;
                    lead.ModifiedAt = now;
                    lead.ModifiedById = null;
                    lead.Version++;
                }

                // Mailing recipients bound to the departing owner's account follow their leads too.
                await Mailings.MassContacts.FollowOwnerAsync(db, Security.Permissions.CrmModules.Leads.Key, [.. leads.Select(l => l.Id)], to, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }));
        services.AddSection(new Section("Leads", "Possible customers to qualify, and to convert into contacts, companies and deals.", "/leads", 30, _ => true)
        {
            Module = Security.Permissions.CrmModules.Leads.Key,
        });
        services.AddHelpTopic(new HelpTopic("leads", "Leads",
        [
            "A lead is a possible customer you have not qualified yet: a person, the name of their company as they gave it, how to reach them and where the lead came from (web, referral, event or other).",
            "The lead list shows the leads your role lets you see. Filter by status or source, search by name, email or company name, and sort by name or ID.",
            "Move a lead through its statuses (new, contacted, qualified, disqualified) by editing it. When it is qualified, use Convert on its page.",
            "Converting creates a contact from the lead and either a new company named after the lead's company or links an existing company you choose (type part of its name and pick it from the suggestions, or type its ID), and, if you wish, a deal with a title and amount. Everything is created together or nothing is. You need to be allowed to edit the lead and to add each kind of record created.",
            "A converted lead keeps links to the contact, company and deal it became, and can no longer be edited or converted again.",
        ]));
        return services;
    }
}
