using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

public sealed record CompanyDetails(
    int Id, string Name, string? Website, string? Phone, string? Email, string? City, string? Address, string? CountryName,
    Guid OwnerId, string OwnerName, int? DepartmentId, string? DepartmentName,
    DateTime CreatedAt, Guid? CreatedById, DateTime ModifiedAt, Guid? ModifiedById, int Version) : IRecordDetails
{
    /// <summary>The country the given value matched, if any (<see cref="CountryName"/> keeps the value as given).</summary>
    public int? CountryId { get; init; }

    /// <summary>The matched country's name; null when the value matched none.</summary>
    public string? Country { get; init; }
}

/// <summary>What the actor may do with one company, for the buttons a page shows.</summary>
public sealed record CompanyActions(bool Edit, bool Delete, bool Transfer);

public sealed record CompanyView(CompanyDetails Company, CompanyActions Can);

/// <summary>One company. A company outside the actor's view is "not found", never "forbidden": its existence does not leak.</summary>
public sealed class ReadCompany(CrmDb db, RecordAccess access)
{
    public async Task<Result<CompanyView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var details = await DetailsAsync(db, id, cancellationToken);
        if (details is null)
        {
            return Result<CompanyView>.NotFound();
        }

        var module = CrmModules.Companies.Key;
        var facts = await access.FactsAsync(module, id, details.OwnerId, details.DepartmentId, cancellationToken);
        if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
        {
            return Result<CompanyView>.NotFound();
        }

        var can = new CompanyActions(
            !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Edit, facts, cancellationToken)).Allowed,
            !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Delete, facts, cancellationToken)).Allowed,
            !actor.IsPreview && (await access.DecideAsync(actor, module, PermissionAction.Transfer, facts, cancellationToken)).Allowed);
        return Result<CompanyView>.Ok(new CompanyView(details, can));
    }

    internal static Task<CompanyDetails?> DetailsAsync(CrmDb db, int id, CancellationToken cancellationToken) =>
        (from c in db.Companies.AsNoTracking()
         where c.Id == id
         join u in db.Users on c.OwnerId equals u.Id
         join d in db.Departments on c.DepartmentId equals (int?)d.Id into departments
         from d in departments.DefaultIfEmpty()
         select new CompanyDetails(c.Id, c.Name, c.Website, c.Phone, c.Email, c.City, c.Address, c.CountryName,
             c.OwnerId, u.FullName, c.DepartmentId, d == null ? null : d.Name,
             c.CreatedAt, c.CreatedById, c.ModifiedAt, c.ModifiedById, c.Version)
         {
             CountryId = c.CountryId,
             Country = db.Countries.Where(k => k.Id == c.CountryId).Select(k => k.Name).FirstOrDefault(),
         }).FirstOrDefaultAsync(cancellationToken);
}
