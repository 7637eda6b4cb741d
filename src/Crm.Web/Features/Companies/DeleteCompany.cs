using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Contacts;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

public sealed record LinkedRecord(string Module, int Id, string Name);

/// <summary>
/// What deleting a company takes with it: its contacts. Contacts the actor cannot view are counted,
/// not named. <see cref="ContactIds"/> lets the confirmation prove it deletes exactly what was shown.
/// </summary>
public sealed record CompanyDeleteImpact(int CompanyId, string Name, IReadOnlyList<LinkedRecord> Deleted, int HiddenContacts, IReadOnlyList<int> ContactIds) : IDeleteImpact
{
    /// <summary>Records of other modules that hang on the company or its contacts (tasks, files, ...) and go with them.</summary>
    public DependentImpact Also { get; init; } = DependentImpact.None;

    int IDeleteImpact.TakesAlong => Deleted.Count + HiddenContacts + Also.Named.Count + Also.Hidden;
}

/// <summary>Deletes a company (needs delete on it) together with its contacts, in one transaction.</summary>
public sealed class DeleteCompany(CrmDb db, RecordAccess access, RecordEditing editing, RecordDependents dependents, RecordLookups lookups, ActivityLog activity)
    : IRecordDeletion<CompanyDeleteImpact>
{
    public const string ActivityKind = "company-deleted";

    public async Task<Result<CompanyDeleteImpact>> ImpactAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        var module = CrmModules.Companies.Key;
        var opened = await editing.OpenForDeleteAsync(module, "company", null, actor,
            await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken), cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<CompanyDeleteImpact>();
        }

        var company = opened.Value;
        var all = await db.Contacts.AsNoTracking().Where(c => c.CompanyId == id).Select(c => c.Id).ToListAsync(cancellationToken);
        var visible = await access.VisibleAsync<Contact>(actor, CrmModules.Contacts.Key, cancellationToken);
        var named = await db.Contacts.AsNoTracking().Where(c => c.CompanyId == id).Where(visible)
            .OrderBy(c => c.LastName).ThenBy(c => c.FirstName).ThenBy(c => c.Id)
            .Select(c => new LinkedRecord(CrmModules.Contacts.Key, c.Id, c.FirstName + " " + c.LastName)).ToListAsync(cancellationToken);
        var also = await dependents.ImpactAsync(lookups, actor, [(module, [id]), (CrmModules.Contacts.Key, all)], cancellationToken);
        var deletable = await lookups.PermittedAsync(actor, CrmModules.Contacts.Key, PermissionAction.Delete, all, cancellationToken);
        also = also.WithProtected(CrmModules.Contacts.Key, "Contacts", all.Count(c => !deletable.Contains(c)));
        return Result<CompanyDeleteImpact>.Ok(new CompanyDeleteImpact(company.Id, company.Name, named, all.Count - named.Count, [.. all.Order()]) { Also = also });
    }

    /// <summary>Deletes the company and its contacts. <paramref name="confirmedContactIds"/>: the contacts the confirmation showed; if they changed since, nothing is deleted.</summary>
    public async Task<Result<CompanyDeleteImpact>> RunAsync(
        Actor actor, int id, IReadOnlyCollection<int>? confirmedContactIds, CancellationToken cancellationToken, IReadOnlyCollection<string>? confirmedAlso = null)
    {
        if (actor.IsPreview)
        {
            return Result<CompanyDeleteImpact>.Forbidden(RecordEditing.PreviewRefused);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var impact = await ImpactAsync(actor, id, cancellationToken);
        if (!impact.IsOk)
        {
            return impact;
        }

        // The rule for linked records: nothing the actor could not delete themselves goes with it.
        if (impact.Value.Also.Refusal is { } refusal)
        {
            return Result<CompanyDeleteImpact>.Forbidden(refusal);
        }

        var contacts = impact.Value.ContactIds;
        if ((confirmedContactIds is not null && !confirmedContactIds.Order().SequenceEqual(contacts)) || !impact.Value.Also.Matches(confirmedAlso))
        {
            return Result<CompanyDeleteImpact>.Conflict("What the company takes with it changed after the confirmation was shown. Review what will be deleted and confirm again.");
        }

        var also = impact.Value.Also.All;
        await dependents.RemoveAsync(also, cancellationToken);

        // Tracked deletes, so the audit trail keeps each record's last state (and can restore it).
        // EF orders the contacts' DELETEs before the company's (the foreign key restricts).
        db.Contacts.RemoveRange(await db.Contacts.Where(c => contacts.Contains(c.Id)).ToListAsync(cancellationToken));
        db.Companies.RemoveRange(await db.Companies.Where(c => c.Id == id).ToListAsync(cancellationToken));
        activity.Record(actor, ActivityKind, $"Deleted company ID {id} '{impact.Value.Name}' and its {contacts.Count} contacts.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await dependents.AfterCommitAsync(cancellationToken);
        return impact;
    }

    /// <summary>The API's delete: it confirms neither contacts nor linked records in advance.</summary>
    Task<Result<CompanyDeleteImpact>> IRecordDeletion<CompanyDeleteImpact>.RunAsync(
        Actor actor, int id, IReadOnlyCollection<string>? confirmedAlso, CancellationToken cancellationToken) =>
        RunAsync(actor, id, null, cancellationToken, confirmedAlso);
}
