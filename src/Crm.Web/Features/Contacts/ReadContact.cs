using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Contacts;

public sealed record ContactDetails(
    int Id, string FirstName, string LastName, string? Email, string? Phone, string? Title, int? CompanyId, string? CompanyName,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

/// <summary>One contact; outside the actor's view it is "not found". Its company is named only if the actor may view it.</summary>
public sealed class ReadContact(CrmDb db, RecordAccess access) : IReadRecord<ContactDetails>
{
    public Task<Result<RecordView<ContactDetails>>> RunAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        access.ViewAsync<Contact, ContactDetails>(actor, CrmModules.Contacts, id, (c, ct) => DetailsAsync(db, access, actor, c, ct), cancellationToken);

    internal static async Task<ContactDetails> DetailsAsync(CrmDb db, RecordAccess access, Actor actor, Contact c, CancellationToken cancellationToken)
    {
        var owner = await Owners.NameAsync(db, c.OwnerId, cancellationToken);
        (int? Id, string? Name) company = (null, null);
        if (c.CompanyId is { } companyId)
        {
            var visible = await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken);
            var name = await db.Companies.Where(visible).Where(x => x.Id == companyId).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken);
            company = name is null ? (null, null) : (companyId, name);
        }

        return new ContactDetails(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Title, company.Id, company.Name,
            c.OwnerId, owner, c.DepartmentId, c.CreatedAt, c.CreatedById, c.ModifiedAt, c.ModifiedById, c.Version);
    }
}
