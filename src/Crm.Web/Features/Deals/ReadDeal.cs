using System.Text.Json.Serialization;
using Crm.Web.Data;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>
/// One deal as pages and the API show it. <see cref="Amount"/> ("1234.50") and <see cref="Currency"/>
/// are null, and left out of JSON, when the actor's role hides the amount.
/// </summary>
public sealed record DealDetails(
    int Id, string Title, int? CompanyId, string? CompanyName, int? ContactId, string? ContactName, string Stage, bool IsOpen,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Amount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency,
    int Probability, DateOnly? ExpectedClose, string? ClosingReason,
    Guid OwnerId, string OwnerName, int? DepartmentId, DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails;

/// <summary>What the actor may do with the deal and its amount.</summary>
public sealed record DealActions(bool Edit, bool Delete, bool SeeAmount, bool EditAmount);

public sealed record DealView(DealDetails Deal, DealActions Can);

/// <summary>One deal; outside the actor's view it is "not found". Company and contact are named only if the actor may view them.</summary>
public sealed class ReadDeal(CrmDb db, RecordAccess access)
{
    public const string AmountField = "amount";

    public async Task<Result<DealView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var opened = await access.ReadAsync<Deal>(actor, CrmModules.Deals.Key, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<DealView>();
        }

        var read = opened.Value;
        var deal = read.Record;
        var fields = await access.FieldsAsync(actor, CrmModules.Deals.Key, cancellationToken);
        var can = new DealActions(await read.MayAsync(PermissionAction.Edit, cancellationToken), await read.MayAsync(PermissionAction.Delete, cancellationToken),
            fields.CanSee(AmountField), fields.CanEdit(AmountField));
        return Result<DealView>.Ok(new DealView(await DetailsAsync(db, access, actor, deal, can.SeeAmount, cancellationToken), can));
    }

    internal static async Task<DealDetails> DetailsAsync(CrmDb db, RecordAccess access, Actor actor, Deal d, bool seeAmount, CancellationToken cancellationToken)
    {
        var owner = await Owners.NameAsync(db, d.OwnerId, cancellationToken);
        string? company = null;
        if (d.CompanyId is { } companyId)
        {
            var visible = await access.VisibleAsync<Company>(actor, CrmModules.Companies.Key, cancellationToken);
            company = await db.Companies.Where(visible).Where(c => c.Id == companyId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        }

        string? contact = null;
        if (d.ContactId is { } contactId)
        {
            var visible = await access.VisibleAsync<Contact>(actor, CrmModules.Contacts.Key, cancellationToken);
            contact = await db.Contacts.Where(visible).Where(c => c.Id == contactId).Select(c => c.FirstName + " " + c.LastName).FirstOrDefaultAsync(cancellationToken);
        }

        return new DealDetails(d.Id, d.Title, company is null ? null : d.CompanyId, company, contact is null ? null : d.ContactId, contact,
            d.Stage, !DealStages.IsClosed(d.Stage),
            seeAmount ? Money.Format(d.Amount, d.Currency) : null, seeAmount ? d.Currency : null,
            d.Probability, d.ExpectedClose, d.ClosingReason,
            d.OwnerId, owner, d.DepartmentId, d.CreatedAt, d.CreatedById, d.ModifiedAt, d.ModifiedById, d.Version);
    }
}
