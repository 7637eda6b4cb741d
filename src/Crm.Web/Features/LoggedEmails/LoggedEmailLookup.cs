using System.Linq.Expressions;
using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.LoggedEmails;

/// <summary>Logged emails in the global search and as link targets, by subject.</summary>
public sealed class LoggedEmailLookup(CrmDb db, RecordAccess access) : OwnedRecordLookup<LoggedEmail>(db, access, CrmModules.Emails)
{
    protected override Expression<Func<LoggedEmail, string>> Label => e => e.Subject;

    protected override Expression<Func<LoggedEmail, bool>> Matches(string lowerTerm) => LoggedEmail.Matching(lowerTerm);

    public override IReadOnlyList<LinkField> LinkFields { get; } = [new("relatedId", null, "relatedModule")];
}

/// <summary>Logged emails hang on their related record, whatever its module: deleting the record lists and deletes them.</summary>
public sealed class LoggedEmailDependents(CrmDb db) : IRecordDependents
{
    public string ModuleKey => CrmModules.Emails.Key;

    public async Task<IReadOnlyList<RecordLink>> OfAsync(string parentModule, IReadOnlyCollection<int> parentIds, CancellationToken cancellationToken)
    {
        var ids = parentIds.ToList();
        var rows = await db.LoggedEmails.Where(e => e.RelatedModule == parentModule && e.RelatedId != null && ids.Contains(e.RelatedId.Value))
            .OrderBy(e => e.SentAt).ThenBy(e => e.Id).Select(e => new { e.Id, e.Subject }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecordLink(ModuleKey, r.Id, r.Subject, $"/emails/{r.Id}"))];
    }

    public async Task RemoveAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        db.LoggedEmails.RemoveRange(await db.LoggedEmails.Where(e => list.Contains(e.Id)).ToListAsync(cancellationToken));
        // Saved now: the caller may delete the parent with a set-based delete right after.
        await db.SaveChangesAsync(cancellationToken);
    }
}
