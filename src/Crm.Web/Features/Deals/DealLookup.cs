using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Deals;

/// <summary>Deals in the global search and as the target of links, by title.</summary>
public sealed class DealLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<Deal>(db, access, CrmModules.Deals)
{
    protected override Expression<Func<Deal, string>> Label => d => d.Title;

    protected override Expression<Func<Deal, bool>> Matches(string lowerTerm) => Deal.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("companyId", CrmModules.Companies.Key), new("contactId", CrmModules.Contacts.Key)];
}

/// <summary>A company's deals hang on it: deleting the company lists them and deletes them (tracked, so history sees each).</summary>
public sealed class DealDependents(CrmDb db) : IRecordDependents
{
    public string ModuleKey => CrmModules.Deals.Key;

    public async Task<IReadOnlyList<RecordLink>> OfAsync(string parentModule, IReadOnlyCollection<int> parentIds, CancellationToken cancellationToken)
    {
        if (parentModule != CrmModules.Companies.Key)
        {
            return [];
        }

        var ids = parentIds.ToList();
        var rows = await (db.Deals.Where(d => d.CompanyId != null && ids.Contains(d.CompanyId.Value)).OrderBy(d => d.Title).ThenBy(d => d.Id)
                .Select(d => new { d.Id, d.Title })).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecordLink(ModuleKey, r.Id, r.Title, $"/deals/{r.Id}"))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        db.Deals.RemoveRange(await db.Deals.Where(d => list.Contains(d.Id)).ToListAsync(cancellationToken));
        // Saved now: the caller may delete the parent with a set-based delete right after.
        await db.SaveChangesAsync(cancellationToken);
    }
}
