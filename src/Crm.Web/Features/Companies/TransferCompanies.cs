using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Tasks;
using Crm.Web.Records;
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

public sealed record TransferDone(int Companies, int Contacts, Guid NewOwnerId, string NewOwnerName, int Deals = 0, int Tasks = 0)
{
    /// <summary>Linked records (contacts, open deals, open tasks) that stayed with their owners: the actor may not change them.</summary>
    public int LeftBehind { get; init; }

    /// <summary>Why <see cref="LeftBehind"/> records did not move, or null when every linked record moved.</summary>
    public string? LeftBehindReason => LeftBehind == 0 ? null
        : $"{LeftBehind} linked {(LeftBehind == 1 ? "record belongs" : "records belong")} to people whose records you cannot change and stayed with {(LeftBehind == 1 ? "its owner" : "their owners")}.";
}

/// <summary>What a transfer would move (counts), and how many linked records would stay with their owners.</summary>
public sealed record TransferPreview(int Companies, int Contacts, int Deals, int Tasks, int LeftBehind)
{
    public string? LeftBehindReason => new TransferDone(0, 0, Guid.Empty, "") { LeftBehind = LeftBehind }.LeftBehindReason;
}

/// <summary>
/// What a transfer moves besides the companies, after the rule for linked records: only the
/// contacts, open deals and open tasks the actor may edit; <see cref="LeftBehind"/> counts the rest.
/// </summary>
public sealed record TransferPlan(IReadOnlyList<int> Contacts, IReadOnlyList<int> Deals, IReadOnlyList<int> Tasks, int LeftBehind);

/// <summary>
/// THE transfer of companies to another owner: their contacts follow, and the new owner's primary
/// department is stamped on both. Editing a company's owner, the list's mass action and deleting a
/// user with reassignment all move records through <c>MoveAsync</c>, so they cannot diverge.
/// </summary>
public sealed class TransferCompanies(CrmDb db, RecordAccess access, RecordLookups lookups, ActivityLog activity, TimeProvider clock)
{
    public const int MaxCompanies = 1000;
    public const string ActivityKind = "companies-transferred";

    public async Task<Result<TransferDone>> RunAsync(Actor actor, TransferInput input, CancellationToken cancellationToken)
    {
        if (actor.IsPreview)
        {
            return Result<TransferDone>.Forbidden("Nothing can be changed while previewing as another user.");
        }

        var valid = await ValidateAsync(actor, input, cancellationToken);
        if (!valid.IsOk)
        {
            return valid.Map<TransferDone>();
        }

        var ids = valid.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var done = await MoveAsync(actor, ids, input.NewOwnerId!.Value, cancellationToken, input.Options);
        activity.Record(actor, ActivityKind,
            $"Transferred {done.Companies} companies ({string.Join(", ", ids.Order().Take(50).Select(i => $"ID {i}"))}{(ids.Count > 50 ? ", …" : "")}) " +
            $"and {done.Contacts} contacts{(input.Options?.OpenDeals == true ? $" and {done.Deals} open deals" : "")}" +
            $"{(input.Options?.OpenTasks == true ? $" and {done.Tasks} open tasks" : "")} to {done.NewOwnerName}." +
            (done.LeftBehind > 0 ? $" {done.LeftBehind} linked records the transferring user may not change stayed with their owners." : ""), done.NewOwnerId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<TransferDone>.Ok(done);
    }

    /// <summary>
    /// What the transfer would move, without moving anything: the same checks, and the linked
    /// records split by the rule for linked records (those left behind are counted, not named).
    /// </summary>
    public async Task<Result<TransferPreview>> PreviewAsync(Actor actor, TransferInput input, CancellationToken cancellationToken)
    {
        var valid = await ValidateAsync(actor, input, cancellationToken);
        if (!valid.IsOk)
        {
            return valid.Map<TransferPreview>();
        }

        var plan = await PlanAsync(actor, valid.Value, input.NewOwnerId!.Value, input.Options, cancellationToken);
        return Result<TransferPreview>.Ok(new TransferPreview(valid.Value.Count, plan.Contacts.Count, plan.Deals.Count, plan.Tasks.Count, plan.LeftBehind));
    }

    /// <summary>The selection (distinct ids) if it and the receiver pass every check, else why not.</summary>
    private async Task<Result<List<int>>> ValidateAsync(Actor actor, TransferInput input, CancellationToken cancellationToken)
    {
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
            return Result<List<int>>.Invalid(errors);
        }

        var check = await CheckAsync(actor, ids, cancellationToken);
        return check.IsOk ? Result<List<int>>.Ok(ids) : check.Map<List<int>>();
    }

    /// <summary>Every company must exist, be visible to the actor (else it is "unknown") and be transferable by them.</summary>
    public async Task<Result> CheckAsync(Actor actor, IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var module = CrmModules.Companies.Key;
        var found = await db.Companies.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.OwnerId, c.DepartmentId }).ToListAsync(cancellationToken);
        var unknown = new List<int>(ids.Except(found.Select(f => f.Id)));
        var refused = new List<int>();
        // One query for the shares of the whole selection; the decisions themselves are in memory.
        foreach (var facts in await access.FactsAsync(module, [.. found.Select(c => (c.Id, c.OwnerId, c.DepartmentId))], cancellationToken))
        {
            if (!(await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken)).Allowed)
            {
                unknown.Add(facts.RecordId);
            }
            else if (!(await access.DecideAsync(actor, module, PermissionAction.Transfer, facts, cancellationToken)).Allowed)
            {
                refused.Add(facts.RecordId);
            }
        }

        if (unknown.Count > 0)
        {
            return Result.Invalid("companyIds", $"These companies do not exist or are not visible to you: {string.Join(", ", unknown.Order().Select(i => $"ID {i}"))}.");
        }

        return refused.Count > 0
            ? Result.Forbidden($"You may not transfer these companies: {string.Join(", ", refused.Order().Select(i => $"ID {i}"))}.")
            : Result.Ok();
    }

    /// <summary>
    /// The linked records that go with the companies: every contact, and the open deals and open
    /// tasks if asked, but only those the actor may edit (an administrator may edit all).
    /// </summary>
    public async Task<TransferPlan> PlanAsync(Actor actor, IReadOnlyList<int> ids, Guid receiverId, TransferOptions? options, CancellationToken cancellationToken)
    {
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.CompanyId != null && ids.Contains(c.CompanyId.Value)).Select(c => c.Id).ToListAsync(cancellationToken);
        var deals = options?.OpenDeals == true
            ? await db.Deals.AsNoTracking().Where(d => d.CompanyId != null && ids.Contains(d.CompanyId.Value) && d.Stage != DealStages.Won && d.Stage != DealStages.Lost)
                .Select(d => d.Id).ToListAsync(cancellationToken)
            : [];
        var tasks = options?.OpenTasks == true
            ? await TaskTransfer.OpenTasksOfCompanies(db, ids, receiverId).AsNoTracking().Select(t => t.Id).ToListAsync(cancellationToken)
            : [];
        var left = 0;
        async Task<List<int>> MovableAsync(string module, List<int> linked)
        {
            var editable = await lookups.PermittedAsync(actor, module, PermissionAction.Edit, linked, cancellationToken);
            left += linked.Count(id => !editable.Contains(id));
            return [.. linked.Where(editable.Contains)];
        }

        return new TransferPlan(
            await MovableAsync(CrmModules.Contacts.Key, contacts), await MovableAsync(CrmModules.Deals.Key, deals), await MovableAsync(CrmModules.Tasks.Key, tasks), left);
    }

    /// <summary>Moves the companies and the linked records <see cref="PlanAsync"/> allows; the caller checked permissions and holds the transaction.</summary>
    public async Task<TransferDone> MoveAsync(Actor actor, IReadOnlyList<int> ids, Guid receiverId, CancellationToken cancellationToken, TransferOptions? options = null)
    {
        var plan = await PlanAsync(actor, ids, receiverId, options, cancellationToken);

        // Open deals first: tracked, so their history records the new owner.
        var planned = plan.Deals.ToList();
        var deals = planned.Count > 0
            ? await MoveDeals.MoveCountAsync(db, clock, db.Deals.Where(d => planned.Contains(d.Id)), receiverId, actor.UserId, cancellationToken)
            : 0;
        var tasks = await TaskTransfer.MoveAsync(db, plan.Tasks, receiverId, clock.GetUtcNow().UtcDateTime, actor.UserId, cancellationToken);
        var contacts = plan.Contacts.ToList();
        var (companies, movedContacts) = await MoveAsync(db, clock, db.Companies.Where(c => ids.Contains(c.Id)), receiverId, actor.UserId, cancellationToken,
            c => contacts.Contains(c.Id));
        var name = await db.Users.Where(u => u.Id == receiverId).Select(u => u.FullName).FirstAsync(cancellationToken);
        return new TransferDone(companies, movedContacts, receiverId, name, deals, tasks) { LeftBehind = plan.LeftBehind };
    }

    /// <summary>
    /// The one move: contacts first (selected through their companies' current owner), then the
    /// companies. Tracked changes, saved here, so the audit trail records each record's old and
    /// new owner (a set-based UPDATE would bypass it).
    /// </summary>
    public static async Task<(int Companies, int Contacts)> MoveAsync(
        CrmDb db, TimeProvider clock, IQueryable<Company> companies, Guid receiverId, Guid? byUserId, CancellationToken cancellationToken,
        System.Linq.Expressions.Expression<Func<Contact, bool>>? onlyContacts = null)
    {
        var department = await Owners.DepartmentOfAsync(db, receiverId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var companyIds = companies.Select(c => c.Id);
        var linked = db.Contacts.Where(c => c.CompanyId != null && companyIds.Contains(c.CompanyId.Value));
        var contacts = await MoveContactsAsync(db, onlyContacts is null ? linked : linked.Where(onlyContacts), receiverId, department, now, byUserId, cancellationToken);
        var moving = await companies.ToListAsync(cancellationToken);
        foreach (var company in moving)
        {
            OwnerMoves.Stamp(company, receiverId, department, now, byUserId);
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
            OwnerMoves.Stamp(contact, receiverId, department, now, byUserId);
        }

        await Mailings.MassContacts.FollowOwnerAsync(db, CrmModules.Contacts.Key, [.. moving.Select(c => c.Id)], receiverId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return moving.Count;
    }
}
