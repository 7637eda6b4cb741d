using Crm.Web.Features.Records;
using Crm.Web.Features.Tasks;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Companies;

public sealed record TransferInput(IReadOnlyList<int>? CompanyIds, Guid? NewOwnerId, TransferOptions? Options = null);

/// <summary>
/// What else moves with the companies besides their contacts (which always follow).
/// <paramref name="OpenDeals"/>: the companies' deals that are not won or lost.
/// <paramref name="OpenTasks"/>: the open tasks about the companies (closed ones keep who did the work).
/// </summary>
public sealed record TransferOptions(bool OpenDeals, bool OpenTasks)
{
    public static readonly TransferOptions None = new(false, false);
}

public sealed record TransferDone(int Companies, int Contacts, Guid NewOwnerId, string NewOwnerName, int Deals = 0, int Tasks = 0);

/// <summary>
/// THE transfer of companies to another owner: their contacts follow, and the new owner's primary
/// department is stamped on both. Editing a company's owner, the list's mass action and deleting a
/// user with reassignment all move records through <c>MoveAsync</c>, so they cannot diverge.
/// </summary>
public sealed class TransferCompanies(CrmDb db, RecordAccess access, ActivityLog activity, TimeProvider clock)
{
    public const int MaxCompanies = 1000;
    public const string ActivityKind = "companies-transferred";

    public async Task<Result<TransferDone>> RunAsync(Actor actor, TransferInput input, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<TransferDone>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var errors = new FieldErrors();
        var ids = input.CompanyIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0)
        {
            errors.Add("companyIds", "Choose at least one company to transfer.");
        }
        else if (ids.Count > MaxCompanies)
        {
            errors.Add("companyIds", $"Transfer at most {MaxCompanies} companies at a time.");
        }

        if (input.NewOwnerId is not { } receiverId)
        {
            errors.Add("newOwnerId", "Choose the user who receives the companies.");
        }
        else if (await Owners.ReceiverProblemAsync(db, actor, receiverId, cancellationToken) is { } problem)
        {
            errors.Add("newOwnerId", problem);
        }

        if (errors.Any)
        {
            return Result<TransferDone>.Invalid(errors);
        }

        var check = await CheckAsync(actor, ids, cancellationToken);
        if (!check.IsOk)
        {
            return check.Outcome == Outcome.Invalid ? Result<TransferDone>.Invalid(new FieldErrors().Add("companyIds", check.Errors["companyIds"][0]))
                : Result<TransferDone>.Forbidden(check.Message!);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var done = await MoveAsync(actor, ids, input.NewOwnerId!.Value, cancellationToken, input.Options);
        activity.Record(actor, ActivityKind,
            $"Transferred {done.Companies} companies ({string.Join(", ", ids.Order().Take(50).Select(i => $"ID {i}"))}{(ids.Count > 50 ? ", …" : "")}) " +
            $"and {done.Contacts} contacts{(input.Options?.OpenDeals == true ? $" and {done.Deals} open deals" : "")}" +
            $"{(input.Options?.OpenTasks == true ? $" and {done.Tasks} open tasks" : "")} to {done.NewOwnerName}.", done.NewOwnerId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<TransferDone>.Ok(done);
    }

    /// <summary>Every company must exist, be visible to the actor (else it is "unknown") and be transferable by them.</summary>
    public async Task<Result<bool>> CheckAsync(Actor actor, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var module = CrmModules.Companies.Key;
        var found = await db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.OwnerId, c.DepartmentId }).ToListAsync(cancellationToken);
        var unknown = new List<int>(ids.Except(found.Select(f => f.Id)));
        var refused = new List<int>();
        foreach (var company in found)
        {
            var facts = await access.FactsAsync(module, company.Id, company.OwnerId, company.DepartmentId, cancellationToken);
            if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
            {
                unknown.Add(company.Id);
            }
            else if (!(await access.DecideAsync(actor, module, PermissionAction.Transfer, facts, cancellationToken)).Allowed)
            {
                refused.Add(company.Id);
            }
        }

        if (unknown.Count > 0)
        {
            return Result<bool>.Invalid("companyIds", $"These companies do not exist or are not visible to you: {string.Join(", ", unknown.Order().Select(i => $"ID {i}"))}.");
        }

        return refused.Count > 0
            ? Result<bool>.Forbidden($"You may not transfer these companies: {string.Join(", ", refused.Order().Select(i => $"ID {i}"))}.")
            : Result<bool>.Ok(true);
    }

    /// <summary>Moves the companies, their contacts and what <paramref name="options"/> adds; the caller checked permissions and holds the transaction.</summary>
    public async Task<TransferDone> MoveAsync(Actor actor, IReadOnlyList<int> ids, Guid receiverId, CancellationToken cancellationToken, TransferOptions? options = null)
    {
        // Open deals first, selected by company: tracked, so their history records the new owner.
        var deals = options?.OpenDeals == true
            ? await MoveDeals.MoveCountAsync(db, clock, db.Deals.Where(d => d.CompanyId != null && ids.Contains(d.CompanyId.Value)
                && d.Stage != DealStages.Won && d.Stage != DealStages.Lost), receiverId, actor.UserId, cancellationToken)
            : 0;
        var tasks = options?.OpenTasks == true
            ? await TaskTransfer.MoveOpenTasksOfCompaniesAsync(db, ids, receiverId, clock.GetUtcNow().UtcDateTime, actor.UserId, cancellationToken)
            : 0;
        var (companies, contacts) = await MoveAsync(db, clock, db.Companies.Where(c => ids.Contains(c.Id)), receiverId, actor.UserId, cancellationToken);
        var name = await db.Users.Where(u => u.Id == receiverId).Select(u => u.FullName).FirstAsync(cancellationToken);
        return new TransferDone(companies, contacts, receiverId, name, deals, tasks);
    }

    /// <summary>
    /// The one move: contacts first (selected through their companies' current owner), then the
    /// companies. Tracked changes, saved here, so the audit trail records each record's old and
    /// new owner (a set-based UPDATE would bypass it).
    /// </summary>
    public static async Task<(int Companies, int Contacts)> MoveAsync(
        CrmDb db, TimeProvider clock, IQueryable<Company> companies, Guid receiverId, Guid? byUserId, CancellationToken cancellationToken)
    {
        var department = await Owners.DepartmentOfAsync(db, receiverId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var companyIds = companies.Select(c => c.Id);
        var contacts = await MoveContactsAsync(db, db.Contacts.Where(c => c.CompanyId != null && companyIds.Contains(c.CompanyId.Value)),
            receiverId, department, now, byUserId, cancellationToken);
        var moving = await companies.ToListAsync(cancellationToken);
        foreach (var company in moving)
        {
            Stamp(company, receiverId, department, now, byUserId);
        }

        // Mailing recipients bound to the old owner's sending account follow the records, in this same save.
        await Mailings.MassContacts.FollowOwnerAsync(db, CrmModules.Companies.Key, [.. moving.Select(c => c.Id)], receiverId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return (moving.Count, contacts);
    }

    public static async Task<int> MoveContactsAsync(
        CrmDb db, IQueryable<Contact> contacts, Guid receiverId, int? department, DateTime now, Guid? byUserId, CancellationToken cancellationToken)
    {
        var moving = await contacts.ToListAsync(cancellationToken);
        foreach (var contact in moving)
        {
            Stamp(contact, receiverId, department, now, byUserId);
        }

        await Mailings.MassContacts.FollowOwnerAsync(db, CrmModules.Contacts.Key, [.. moving.Select(c => c.Id)], receiverId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return moving.Count;
    }

    private static void Stamp(OwnedRecord record, Guid receiverId, int? department, DateTime now, Guid? byUserId)
    {
        record.OwnerId = receiverId;
        record.DepartmentId = department;
        record.ModifiedAt = now;
        record.ModifiedById = byUserId;
        record.Version++;
    }
}
