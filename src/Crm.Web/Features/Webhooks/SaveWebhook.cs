using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Webhooks;

/// <summary>What an administrator sets on an endpoint; the same for a new one and a change.</summary>
public sealed record WebhookInput(
    string? Name, string? Url, Guid? UserId, IReadOnlyList<string>? Modules, IReadOnlyList<string>? Events, bool? Enabled,
    IReadOnlyList<WebhookCondition>? Filter = null, string? MissedEvents = null);

/// <summary>What becomes of the events a disabled endpoint missed when it is enabled again.</summary>
public static class MissedEvents
{
    /// <summary>Sent now, in the order of the changes.</summary>
    public const string Deliver = "deliver";

    /// <summary>Marked dropped, never sent (a replay still can).</summary>
    public const string Drop = "drop";
}

/// <summary>The one answer that carries the signing secret: it is shown once and kept only encrypted.</summary>
public sealed record WebhookWithSecret(Guid Id, string Name, string Secret);

/// <summary>
/// Creates an endpoint (with a new secret, shown once) or changes one. Every field is checked and
/// any problem is named on its field with nothing saved: a URL that is too long, not http(s), has
/// a user name or password, or points inside the CRM's network; an unknown module or event; a user
/// that is not active; a filter condition on an unknown field or operator, or on a field the
/// integration user may not see, or an admin-only one (<see cref="WebhookFilters"/>). Enabling a
/// disabled endpoint that holds missed events needs the administrator's choice: deliver them in
/// order, or drop them (ADR 0044); the choice and the count go in the activity log with the change.
/// </summary>
public sealed class SaveWebhook(CrmDb db, ActivityLog activity, WebhookAddressGuard guard, WebhookSender sender, WebhookFilters filters, WebhookWorker worker, TimeProvider clock)
{
    public async Task<Result<WebhookWithSecret>> CreateAsync(Actor actor, WebhookInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<WebhookWithSecret>.Forbidden("Only an administrator can add webhooks.");
        }

        var (errors, valid) = await CheckAsync(input, cancellationToken);
        if (errors.Any)
        {
            return Result<WebhookWithSecret>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = WebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(),
            ProtectedSecret = sender.Protect(secret),
            CreatedAt = now,
            CreatedByUserId = actor.UserId,
        };
        Apply(endpoint, valid, now);
        db.Set<WebhookEndpoint>().Add(endpoint);
        activity.Record(actor, WebhookActivity.Created, $"Added webhook \"{endpoint.Name}\" to {endpoint.Url} for {endpoint.Modules} ({endpoint.Events}){FilterNote(valid.Filter)}.");
        await db.SaveChangesAsync(cancellationToken);
        return Result<WebhookWithSecret>.Ok(new WebhookWithSecret(endpoint.Id, endpoint.Name, secret));
    }

    public async Task<Result> UpdateAsync(Actor actor, Guid id, WebhookInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result.Forbidden("Only an administrator can change webhooks.");
        }

        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Result.NotFound();
        }

        var (errors, valid) = await CheckAsync(input, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var missed = db.Set<WebhookDelivery>().Where(d => d.EndpointId == id && d.Status == WebhookDeliveryStatus.Pending);
        var reEnabled = !endpoint.IsEnabled && valid.Enabled;
        var waiting = reEnabled ? await missed.CountAsync(cancellationToken) : 0;
        if (waiting > 0 && input.MissedEvents is not (MissedEvents.Deliver or MissedEvents.Drop))
        {
            errors.Add("missedEvents", $"{waiting} {(waiting == 1 ? "event was" : "events were")} missed while the webhook was disabled: choose \"{MissedEvents.Deliver}\" to send {(waiting == 1 ? "it" : "them")} now, oldest first, or \"{MissedEvents.Drop}\" to never send {(waiting == 1 ? "it" : "them")}.");
        }

        if (errors.Any)
        {
            return Result.Invalid(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var missedNote = "";
        if (waiting > 0 && input.MissedEvents == MissedEvents.Deliver)
        {
            var sent = await missed.ExecuteUpdateAsync(s => s
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.LeaseOwner, (Guid?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
            missedNote = $"; the {sent} missed {(sent == 1 ? "event goes" : "events go")} out, oldest first";
        }
        else if (waiting > 0)
        {
            var reason = $"Dropped by {actor.DisplayName} when the webhook was enabled again on {now:yyyy-MM-dd HH:mm} UTC.";
            var dropped = await missed.ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, WebhookDeliveryStatus.Dropped)
                .SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                .SetProperty(d => d.LastError, reason.Length <= 2000 ? reason : reason[..2000])
                .SetProperty(d => d.LeaseOwner, (Guid?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
            missedNote = $"; the {dropped} missed {(dropped == 1 ? "event was" : "events were")} dropped";
        }

        Apply(endpoint, valid, now);
        activity.Record(actor, reEnabled ? WebhookActivity.Enabled : WebhookActivity.Changed,
            $"{(reEnabled ? "Enabled again" : "Changed")} webhook \"{endpoint.Name}\" ({endpoint.Url}; {(endpoint.IsEnabled ? "enabled" : "disabled")}){FilterNote(valid.Filter)}{missedNote}.");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (reEnabled)
        {
            worker.Wake();
        }

        return Result.Ok();
    }

    private sealed record Valid(string Name, string Url, Guid UserId, List<string> Modules, List<string> Events, bool Enabled, List<WebhookCondition> Filter);

    /// <summary>The filter as the activity log tells it: each condition, joined by "and".</summary>
    private static string FilterNote(List<WebhookCondition> filter) =>
        filter.Count == 0 ? "" : "; only when " + string.Join(" and ", filter.Select(c => $"{c.Module} {c.Field} {c.Operator} {c.Value ?? string.Join("|", c.Values ?? [])}".TrimEnd()));

    private static void Apply(WebhookEndpoint endpoint, Valid valid, DateTime now)
    {
        if (valid.Enabled && !endpoint.IsEnabled)
        {
            // Enabled again: the count of failing days starts over.
            endpoint.FailingSince = null;
        }

        endpoint.Name = valid.Name;
        endpoint.Url = valid.Url;
        endpoint.UserId = valid.UserId;
        endpoint.Modules = string.Join(',', valid.Modules);
        endpoint.Events = string.Join(',', valid.Events);
        endpoint.Filter = WebhookFilters.Write(valid.Filter);
        endpoint.IsEnabled = valid.Enabled;
        endpoint.DisabledReason = null;
        endpoint.ModifiedAt = now;
    }

    private async Task<(FieldErrors Errors, Valid Valid)> CheckAsync(WebhookInput input, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim();
        var errors = new FieldErrors().Text("name", "Name", name, WebhookEndpoint.NameMaxLength);
        if (!string.IsNullOrEmpty(name) && name.Any(char.IsControl))
        {
            errors.Add("name", "Name must be a single line of text.");
        }

        var url = input.Url?.Trim() ?? "";
        if (await UrlProblemAsync(url, cancellationToken) is { } problem)
        {
            errors.Add("url", problem);
        }

        Actor? user = null;
        if (input.UserId is not { } userId)
        {
            errors.Add("userId", "Choose the integration user whose permissions decide what the payloads hold.");
        }
        else if (await db.Users.AsNoTracking().Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.IsAdministrator, u.FullName }).FirstOrDefaultAsync(cancellationToken) is not { } found)
        {
            errors.Add("userId", "Choose an active user: a deactivated user sees nothing, so nothing would be sent.");
        }
        else
        {
            user = new Actor(ActorKind.User, found.Id, found.IsAdministrator, found.FullName);
        }

        var modules = (input.Modules ?? []).Select(m => m?.Trim() ?? "").Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var events = (input.Events ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var known = WebhookCatalog.Modules.Select(m => m.Key).ToList();
        if (modules.Count == 0)
        {
            errors.Add("modules", "Choose at least one module.");
        }

        foreach (var unknown in modules.Where(m => !known.Contains(m)))
        {
            errors.Add("modules", $"Unknown module \"{Shown(unknown)}\"; choose from {string.Join(", ", known)}.");
        }

        if (events.Count == 0)
        {
            errors.Add("events", "Choose at least one event.");
        }

        var chosen = modules.Select(WebhookCatalog.Find).OfType<WebhookModule>().ToList();
        foreach (var unknown in events)
        {
            if (!WebhookCatalog.AllEvents.Contains(unknown))
            {
                errors.Add("events", $"Unknown event \"{Shown(unknown)}\"; choose from {string.Join(", ", WebhookCatalog.AllEvents)}.");
            }
            else if (chosen.Count > 0 && !chosen.Any(m => WebhookCatalog.Has(m, unknown)))
            {
                errors.Add("events", $"None of the chosen modules has the event \"{unknown}\".");
            }
        }

        var filter = await filters.CheckAsync(errors, input.Filter, modules, user, cancellationToken);
        return (errors, new Valid(name ?? "", url, input.UserId ?? Guid.Empty, modules, events, input.Enabled ?? true, filter));
    }

    /// <summary>Why this URL cannot receive webhooks, or null. Shared by the save and the test event.</summary>
    public async Task<string?> UrlProblemAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length == 0)
        {
            return "URL is required.";
        }

        if (url.Length > WebhookEndpoint.UrlMaxLength)
        {
            return $"URL must be at most {WebhookEndpoint.UrlMaxLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "URL must be a web address starting with https://, like https://erp.example.com/crm-events.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "URL must not hold a user name or password: receivers check the signature instead.";
        }

        return await guard.RefusalAsync(uri, cancellationToken);
    }

    /// <summary>A value echoed in a message, cut short: a 10,000-character module name is not repeated back.</summary>
    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
