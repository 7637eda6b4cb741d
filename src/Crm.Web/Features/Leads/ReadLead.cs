using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Leads;

/// <summary>A record a converted lead links to; the name only if the actor may view it.</summary>
public sealed record ConvertedLink(int Id, string? Name);

public sealed record LeadDetails(
    int Id, string FirstName, string LastName, string? CompanyName, string? Email, string? Phone, string Source, string Status, string? Notes,
    DateTime? ConvertedAt, ConvertedLink? ConvertedContact, ConvertedLink? ConvertedCompany, ConvertedLink? ConvertedDeal,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

/// <summary>Edit and Convert are false once the lead is converted, whatever the role allows.</summary>
public sealed record LeadActions(bool Edit, bool Delete, bool Convert);

public sealed record LeadView(LeadDetails Lead, LeadActions Can);

public sealed class ReadLead(CrmDb db, RecordAccess access)
{
    public async Task<Result<LeadView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var opened = await access.ReadAsync<Lead>(actor, CrmModules.Leads.Key, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<LeadView>();
        }

        var read = opened.Value;
        var lead = read.Record;
        var edit = lead.Status != LeadStatuses.Converted && await read.MayAsync(PermissionAction.Edit, cancellationToken);
        var can = new LeadActions(edit, await read.MayAsync(PermissionAction.Delete, cancellationToken),
            edit && (await access.DecideAsync(actor, CrmModules.Contacts.Key, PermissionAction.Create, null, cancellationToken)).Allowed);
        return Result<LeadView>.Ok(new LeadView(await DetailsAsync(db, access, actor, lead, cancellationToken), can));
    }

    internal static async Task<LeadDetails> DetailsAsync(CrmDb db, RecordAccess access, Actor actor, Lead l, CancellationToken cancellationToken)
    {
        var owner = await Owners.NameAsync(db, l.OwnerId, cancellationToken);
        ConvertedLink? contact = null, company = null, deal = null;
        if (l.ConvertedContactId is { } contactId)
        {
            var visible = await access.VisibleAsync<Contact>(actor, CrmModules.Contacts.Key, cancellationToken);
            contact = new ConvertedLink(contactId, await db.Contacts.Where(visible).Where(c => c.Id == contactId).Select(c => c.FirstName + " " + c.LastName).FirstOrDefaultAsync(cancellationToken));
        }

        if (l.ConvertedCompanyId is { } companyId)
        {
            var visible = await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken);
            company = new ConvertedLink(companyId, await db.Companies.Where(visible).Where(c => c.Id == companyId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken));
        }

        if (l.ConvertedDealId is { } dealId)
        {
            var visible = await access.VisibleAsync<Deal>(actor, CrmModules.Deals.Key, cancellationToken);
            deal = new ConvertedLink(dealId, await db.Deals.Where(visible).Where(d => d.Id == dealId).Select(d => d.Title).FirstOrDefaultAsync(cancellationToken));
        }

        return new LeadDetails(l.Id, l.FirstName, l.LastName, l.CompanyName, l.Email, l.Phone, l.Source, l.Status, l.Notes,
            l.ConvertedAt, contact, company, deal,
            l.OwnerId, owner, l.DepartmentId, l.CreatedAt, l.CreatedById, l.ModifiedAt, l.ModifiedById, l.Version);
    }
}
