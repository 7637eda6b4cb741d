using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Email;
using Crm.Web.Features.Mailings;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Tasks;
using Crm.Web.Features.Webhooks;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Automation;

/// <summary>
/// Does one queued action as the rule's automation user, in one transaction with the action's own
/// row: a task through the task save use case (its validation and permissions: the rule can never do
/// what that user could not by hand), notifications as in-app messages. The audit trail names the
/// rule and the user, and carries the run so a chain of rules can be followed and cut. A failure
/// leaves nothing half done: it is recorded on the row and retried later, like a webhook delivery.
/// </summary>
public sealed class RunAutomationAction(
    CrmDb db, AuditContext audit, SaveTask saveTask, EmailOutbox outbox, PublicUrls urls, SettableFields settable, WebhookFanOut webhooks,
    IServiceProvider services, TimeProvider clock)
{
    /// <summary>Waits before the 2nd … 7th attempt; after the 7th the action has failed for good.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public async Task RunAsync(Guid id, Guid claim, CancellationToken cancellationToken)
    {
        var row = await db.Set<AutomationActionRun>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.LeaseOwner == claim, cancellationToken);
        if (row is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        string? error;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (outcome, refusal) = await DoAsync(row, cancellationToken);
            error = refusal;
            if (refusal is null)
            {
                await db.Set<AutomationActionRun>().Where(a => a.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Status, AutomationActionStatus.Done).SetProperty(a => a.Attempts, a => a.Attempts + 1)
                    .SetProperty(a => a.LastAttemptAt, now).SetProperty(a => a.DoneAt, now).SetProperty(a => a.Outcome, outcome)
                    .SetProperty(a => a.LastError, (string?)null).SetProperty(a => a.LeaseOwner, (Guid?)null).SetProperty(a => a.LeasedUntil, (DateTime?)null), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return;
            }
        }
#pragma warning disable CA1031 // Whatever went wrong is the action's failure, recorded and retried; the worker goes on.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            error = e.Message;
        }

        // Rolled back (the transaction was not committed): the failure is recorded on its own.
        db.ChangeTracker.Clear();
        var attempts = row.Attempts + 1;
        var last = attempts > Backoff.Count;
        DateTime? next = last ? null : now + Backoff[attempts - 1];
        await db.Set<AutomationActionRun>().Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, last ? AutomationActionStatus.Failed : AutomationActionStatus.Pending).SetProperty(a => a.Attempts, attempts)
            .SetProperty(a => a.LastAttemptAt, now).SetProperty(a => a.NextAttemptAt, next)
            .SetProperty(a => a.LastError, Audit.AuditNames.Bound(error ?? "Failed.", 2000))
            .SetProperty(a => a.LeaseOwner, (Guid?)null).SetProperty(a => a.LeasedUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>Does the action; returns what was done, or why not.</summary>
    private async Task<(string? Outcome, string? Refusal)> DoAsync(AutomationActionRun row, CancellationToken cancellationToken)
    {
        var plan = JsonSerializer.Deserialize<PlannedAction>(row.Plan, RuleDefinition.Json)
            ?? throw new InvalidOperationException("The action's plan cannot be read.");
        var rule = await db.Set<AutomationRule>().AsNoTracking().FirstAsync(r => r.Id == row.RuleId, cancellationToken);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == rule.AutomationUserId && u.IsActive)
            .Select(u => new { u.Id, u.FullName, u.IsAdministrator }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return (null, EvaluateRule.AutomationUserInactive);
        }

        if (plan.Problem is { } problem)
        {
            return (null, problem);
        }

        var actor = new Actor(ActorKind.Automation, user.Id, user.IsAdministrator, $"{user.FullName} (rule \"{rule.Name}\")");
        audit.ActAs(new AuditWho(AuditActorKinds.Automation, user.Id, AuditNames.Bound($"Rule \"{rule.Name}\" as {user.FullName}", 200), null, null, null, null,
            AutomationFanOut.RunPrefix + row.RunId.ToString("N")));
        if (plan.Kind == ActionKinds.CreateTask)
        {
            var input = new TaskInput
            {
                Title = plan.Title,
                Description = plan.Message.Length == 0 ? null : plan.Message,
                DueDate = plan.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ResponsibleIds = plan.People,
                // A user is no record a task can link to: the task's description names them instead (ADR 0050).
                RelatedModule = plan.RecordKey is null ? plan.Module : null,
                RelatedId = plan.RecordKey is null ? plan.RecordId : null,
            };
            var saved = await saveTask.RunAsync(actor, null, input, TaskFields.All, cancellationToken);
            return saved.IsOk
                ? ($"Created task {saved.Value.Id}.", null)
                : (null, string.Join(" ", new[] { saved.Message }.Concat(saved.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))).OfType<string>()));
        }

        if (plan.Kind == ActionKinds.SetField)
        {
            return await SetFieldAsync(actor, plan, cancellationToken);
        }

        if (plan.Kind == ActionKinds.CallWebhook)
        {
            // Queued in this transaction: the webhook worker sends, signs and retries it like any delivery.
            var refused = await webhooks.QueueForRuleAsync(plan.WebhookId ?? Guid.Empty, plan.Module, plan.RecordId,
                new JsonObject { ["id"] = rule.Id.ToString(), ["name"] = rule.Name }, cancellationToken);
            if (refused is not null)
            {
                return (null, refused);
            }

            await db.SaveChangesAsync(cancellationToken);
            return ($"Queued a webhook delivery of {plan.Module} {plan.RecordId}.", null);
        }

        if (plan.Kind == ActionKinds.SendEmail)
        {
            var to = plan.To!;
            var normalised = Unsubscribe.Normalise(to);
            var hashed = MailingOptOut.Hashed(normalised);
            if (await db.Set<MailingOptOut>().AnyAsync(o => o.Email == normalised || o.Email == hashed, cancellationToken))
            {
                return ($"Not sent: {to} unsubscribed from the CRM's emails.", null);
            }

            // Plain text, so a field's value is never markup; queued in this transaction: sent only if the action is done.
            outbox.Queue(to, plan.Title, plan.Message, "automation");
            await db.SaveChangesAsync(cancellationToken);
            return ($"Queued an email to {to}.", null);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var link = AutomationModules.Find(plan.Module)?.LinkTo(plan.Shown) ?? $"/{plan.Module}/{plan.RecordId}";
        var emails = plan.Email
            ? await db.Users.AsNoTracking().Where(u => plan.People.Contains(u.Id) && u.Email != null).ToDictionaryAsync(u => u.Id, u => u.Email!, cancellationToken)
            : [];
        foreach (var person in plan.People)
        {
            db.Notifications.Add(new Notification
            {
                UserId = person,
                CreatedAt = now,
                Title = AuditNames.Bound(plan.Title, Notification.TitleMaxLength),
                Body = AuditNames.Bound(plan.Message, Notification.BodyMaxLength),
                Link = link,
            });
            if (emails.TryGetValue(person, out var address))
            {
                // Plain text, queued in this transaction: sent by the outbox only if the action is done.
                outbox.Queue(address, plan.Title, $"{plan.Message}\n\n{urls.Absolute(link)}".Trim(), "automation");
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return ($"Notified {plan.People.Count} {(plan.People.Count == 1 ? "person" : "people")}.", null);
    }

    /// <summary>
    /// Sets one field of the record through the module's own save, as the automation user, from the
    /// version it reads now (a fixed value does not depend on what changed in between). A value the
    /// record already has changes nothing, so a rule does not write a record, nor fire others, for nothing.
    /// </summary>
    private async Task<(string? Outcome, string? Refusal)> SetFieldAsync(Actor actor, PlannedAction plan, CancellationToken cancellationToken)
    {
        var noun = $"{plan.Module} {plan.RecordId}";
        if (settable.SaveOf(plan.Module) is not { } save || settable.Find(plan.Module, plan.Field) is not { } field)
        {
            return (null, $"{plan.Field} is not a field rules can set on {plan.Module}.");
        }

        var (value, problem) = SettableFields.Parse(field, plan.Value);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (await save.ReadAsync(services, actor, plan.RecordId, cancellationToken) is not { } current)
        {
            return (null, $"The automation user may not see {noun}, or it no longer exists.");
        }

        if (JsonNode.DeepEquals(current[field.Name], value))
        {
            return ($"{field.Name} of {noun} already is {(value is null ? "empty" : $"\"{plan.Value}\"")}: nothing to change.", null);
        }

        var saved = await save.SaveAsync(services, actor, plan.RecordId, new JsonObject { [field.Name] = value, ["version"] = current["version"]?.DeepClone() }, cancellationToken);
        return saved.IsOk
            ? (SettableFields.Describe(field.Name, plan.Value, plan.Module, plan.RecordId), null)
            : (null, string.Join(" ", new[] { saved.Message }.Concat(saved.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))).OfType<string>()));
    }
}
