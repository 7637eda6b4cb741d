using Crm.Web.Data;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.Tasks;
using Crm.Web.Features.Users;
using Crm.Web.Features.Vault;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

public sealed record OffboardingStepState(string Key, string Title, bool Done, DateTime? DoneAt, string? DoneBy, string? Detail);

public sealed record OffboardingCheckState(string Name, bool Revoked, DateTime? RevokedAt, string? RevokedBy);

public sealed record HeldTask(int Id, string Title, TaskState Status, DateOnly? DueDate, bool Owner);

/// <summary><see cref="BoundToLeaver"/>: the token acts as the leaver; otherwise the leaver created it for another (integration) user.</summary>
public sealed record HeldApiToken(Guid Id, string Name, string Prefix, string ActsAs, bool BoundToLeaver, ApiTokenStatus Status, DateTime? LastUsedAt);

public sealed record HeldWebhook(Guid Id, string Name, string Url, bool Enabled, bool ActsAsLeaver);

public sealed record HeldSendingAccount(int Id, string Name, string FromAddress);

public sealed record HeldVaultEntry(int Id, string Name, string Category, DateTime PasswordChangedAt);

public sealed record HeldAutomationRule(Guid Id, string Name, bool Enabled, bool Owner, bool ActsAsLeaver);

/// <summary>Everything the leaver holds: the records by module, then what the seed's procedure says to check by hand.</summary>
public sealed record OffboardingHoldings(
    IReadOnlyList<OwnedCount> Records,
    IReadOnlyList<HeldTask> OpenTasks,
    IReadOnlyList<HeldApiToken> ApiTokens,
    IReadOnlyList<HeldWebhook> Webhooks,
    IReadOnlyList<HeldSendingAccount> SendingAccounts,
    IReadOnlyList<HeldVaultEntry> VaultEntries,
    IReadOnlyList<HeldAutomationRule> AutomationRules)
{
    public int RecordCount => Records.Sum(r => r.Count);
    public int LiveTokens => ApiTokens.Count(t => t.BoundToLeaver && t.Status is ApiTokenStatus.Active or ApiTokenStatus.UserInactive);
}

public sealed record OffboardingState(
    Guid UserId, string FullName, string Email, bool IsActive,
    IReadOnlyList<OffboardingStepState> Steps,
    IReadOnlyList<OffboardingCheckState> Checklist,
    OffboardingHoldings Holdings)
{
    public bool Complete => Steps.All(s => s.Done);
    public OffboardingStepState Step(string key) => Steps.Single(s => s.Key == key);
}

/// <summary>
/// The state of a leaver's offboarding, for the wizard, its summary and the API: which steps are
/// done (by whom, when), the external-systems checklist, and everything the person still holds.
/// Read again after each step, so the wizard always shows what is true now.
/// </summary>
public sealed class ReadOffboarding(CrmDb db, IEnumerable<OwnedRecords> ownedRecords, VaultAccess vault, TimeProvider clock)
{
    public const string AdministratorsOnly = "Only administrators can offboard users.";

    public async Task<Result<OffboardingState>> RunAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<OffboardingState>.Forbidden(AdministratorsOnly);
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.FullName, u.Email, u.IsActive, u.IsAdministrator }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return Result<OffboardingState>.NotFound();
        }

        var done = await db.Set<OffboardingStep>().AsNoTracking().Where(s => s.UserId == userId).ToListAsync(cancellationToken);
        var steps = OffboardingSteps.All.Select(s => done.FirstOrDefault(d => d.Step == s.Key) is { } d
            ? new OffboardingStepState(s.Key, s.Title, true, d.DoneAt, d.DoneByName, d.Detail)
            : new OffboardingStepState(s.Key, s.Title, false, null, null, null)).ToList();

        var checks = await db.Set<OffboardingCheck>().AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Position)
            .Select(c => new OffboardingCheckState(c.Name, c.IsRevoked, c.RevokedAt, c.RevokedByName)).ToListAsync(cancellationToken);
        if (checks.Count == 0)
        {
            checks = [.. OffboardingCheck.Defaults.Select(n => new OffboardingCheckState(n, false, null, null))];
        }

        var holdings = await HoldingsAsync(new Actor(ActorKind.User, user.Id, user.IsAdministrator, user.FullName), cancellationToken);
        return Result<OffboardingState>.Ok(new OffboardingState(user.Id, user.FullName, user.Email ?? "", user.IsActive, steps, checks, holdings));
    }

    private async Task<OffboardingHoldings> HoldingsAsync(Actor leaver, CancellationToken cancellationToken)
    {
        var id = leaver.UserId!.Value;
        var records = await ownedRecords.CountOwnedAsync(db, id, cancellationToken);

        // Owned open tasks move with the records; tasks where the leaver is only one of those
        // responsible stay with their owner, and are listed so someone takes over the work.
        var openTasks = await db.Tasks.AsNoTracking()
            .Where(t => t.Status != TaskState.Done && t.Status != TaskState.Cancelled
                && (t.OwnerId == id || t.Responsible.Any(r => r.UserId == id)))
            .OrderBy(t => t.DueDate == null).ThenBy(t => t.DueDate).ThenBy(t => t.Id).Take(200)
            .Select(t => new HeldTask(t.Id, t.Title, t.Status, t.DueDate, t.OwnerId == id)).ToListAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var tokens = (await (from t in db.ApiTokens.AsNoTracking()
                             join u in db.Users on t.UserId equals u.Id
                             where t.UserId == id || t.CreatedByUserId == id
                             orderby t.Name
                             select new { t.Id, t.Name, t.Prefix, t.UserId, u.FullName, u.IsActive, t.RevokedAt, t.ExpiresAt, t.LastUsedAt })
                .ToListAsync(cancellationToken))
            .Select(t => new HeldApiToken(t.Id, t.Name, t.Prefix, t.FullName, t.UserId == id,
                ListApiTokens.StatusOf(t.RevokedAt, t.ExpiresAt, t.IsActive, now), t.LastUsedAt)).ToList();

        var webhooks = await db.Set<Webhooks.WebhookEndpoint>().AsNoTracking().Where(w => w.UserId == id || w.CreatedByUserId == id).OrderBy(w => w.Name)
            .Select(w => new HeldWebhook(w.Id, w.Name, w.Url, w.IsEnabled, w.UserId == id)).ToListAsync(cancellationToken);

        var accounts = await db.SendingAccounts.AsNoTracking().Where(a => a.UserId == id).OrderBy(a => a.Name)
            .Select(a => new HeldSendingAccount(a.Id, a.Name, a.FromAddress)).ToListAsync(cancellationToken);

        // The entries the leaver's grants reached (all of them for an administrator): the people
        // who stay should change these passwords, since the leaver may have copied them.
        var vaultEntries = new List<HeldVaultEntry>();
        var reach = await vault.ReachAsync(leaver, cancellationToken);
        if (reach.IsOk)
        {
            var entries = await db.Set<VaultEntry>().AsNoTracking().OrderBy(e => e.Category!.Name).ThenBy(e => e.Name)
                .Select(e => new { e.Id, e.CategoryId, e.Name, Category = e.Category!.Name, e.PasswordChangedAt }).ToListAsync(cancellationToken);
            vaultEntries.AddRange(entries.Where(e => reach.Value.MayView(e.Id, e.CategoryId))
                .Select(e => new HeldVaultEntry(e.Id, e.Name, e.Category, e.PasswordChangedAt)));
        }

        var rules = await db.Set<Automation.AutomationRule>().AsNoTracking().Where(r => r.OwnerId == id || r.AutomationUserId == id).OrderBy(r => r.Name)
            .Select(r => new HeldAutomationRule(r.Id, r.Name, r.IsEnabled, r.OwnerId == id, r.AutomationUserId == id)).ToListAsync(cancellationToken);

        return new OffboardingHoldings(records, openTasks, tokens, webhooks, accounts, vaultEntries, rules);
    }
}
