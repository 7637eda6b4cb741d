using System.Security.Cryptography;
using System.Threading.Channels;
using Crm.Web.Data;
using Crm.Web.Features.Mailings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Email;

/// <summary>How often the worker looks at the queue and how much it takes at once (<c>Email:Delivery:*</c>).</summary>
public sealed class EmailDeliveryOptions
{
    public const string Section = "Email:Delivery";

    /// <summary>Off: this instance never sends on its own (another instance does, or a test drives it).</summary>
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 5;
    public int BatchSize { get; set; } = 20;
}

/// <summary>
/// Sends the outbox over SMTP. Every few seconds, or when woken, it leases the due messages in
/// batches, sends each, and records the outcome: Sent, or a retry after 1 min, 5 min, 30 min, 2 h
/// and 6 h, then Blocked with the server's last answer. Leases make it safe to run one worker per
/// instance over a shared database: a message is only ever held, and so sent, by one run.
/// </summary>
public sealed partial class EmailDelivery(
    IServiceScopeFactory scopes,
    SmtpSender sender,
    Mailings.SendingAccountSecrets accountSettings,
    IDataProtectionProvider protection,
    IOptionsMonitor<EmailDeliveryOptions> options,
    Scheduler.JobReports reports,
    TimeProvider clock,
    ILogger<EmailDelivery> logger) : BackgroundService
{
    /// <summary>The wait before the 2nd, 3rd, … 6th attempt; a 6th failure blocks the message.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    /// <summary>
    /// How long a run holds a message. Far longer than the SMTP timeout (60 s), so a lease only
    /// lapses when its instance died mid-send; the message is then sent again by another (at
    /// least once, which is the best SMTP allows).
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>The row on the scheduler's page where every pass is recorded.</summary>
    public const string JobName = "email-delivery";

    private readonly IDataProtector _bodies = protection.CreateProtector(EmailOutbox.BodyPurpose);

    // One pending wake-up is enough: it means "look again soon", however many asked.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks the worker to look at the queue now instead of at its next tick.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!options.CurrentValue.Enabled)
        {
            LogDisabled();
            return;
        }

        SmtpSettings smtp;
        try
        {
            smtp = await sender.ReadSettingsAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // The start-up summary is informative only; the loop reads the settings again each tick.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRunFailed(e);
            smtp = new SmtpSettings();
        }

        if (smtp.IsConfigured)
        {
            LogConfigured(smtp.Host!, smtp.Port, smtp.Security, smtp.From ?? "", string.IsNullOrWhiteSpace(smtp.UserName) ? "(none)" : smtp.UserName);
            foreach (var problem in smtp.Problems())
            {
                LogSettingsProblem(problem);
            }
        }
        else
        {
            LogNotConfigured();
        }

        // Sending accounts use the same pins, so they are worth a line even without an instance server.
        if (smtp.TrustedThumbprints() is { Count: > 0 } pinned)
        {
            LogPinnedCertificates(string.Join(", ", pinned));
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Read on every tick: an administrator may store or change the settings at any time.
            // Mailings go through their users' own accounts, so they are sent even without instance settings.
            if (await HasWorkAsync(stoppingToken))
            {
                var started = clock.GetUtcNow().UtcDateTime;
                string? failure = null;
                try
                {
                    while (await DeliverDueAsync(stoppingToken) >= Math.Max(1, options.CurrentValue.BatchSize))
                    {
                        // A full batch: there may be more due right now.
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // The worker must outlive a failed run (database restart, …): log it and try again next tick.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogRunFailed(e);
                    failure = e.Message;
                }

                await ReportAsync(started, failure, stoppingToken);
            }

            try
            {
                var interval = TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.IntervalSeconds));
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(interval, clock, tick.Token);
                var woken = _wake.Reader.WaitToReadAsync(tick.Token).AsTask();
                await Task.WhenAny(delay, woken);
                await tick.CancelAsync();
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Records the pass on the scheduler's page; a failure to record never stops delivery.</summary>
    private async Task ReportAsync(DateTime started, string? failure, CancellationToken stoppingToken)
    {
        var finished = clock.GetUtcNow().UtcDateTime;
        try
        {
            await reports.RecordAsync(JobName, started, finished, failure,
                finished + TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.IntervalSeconds)), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The report is informative; delivery goes on without it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRunFailed(e);
        }
    }

    private async Task<bool> HasWorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            if ((await sender.ReadSettingsAsync(stoppingToken)).IsConfigured)
            {
                return true;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            return await db.OutgoingEmails.AnyAsync(e => e.Status == EmailStatus.Queued && e.SendingAccountId != null, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // A database hiccup must not end the worker: log it and look again next tick.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRunFailed(e);
            return false;
        }
    }

    /// <summary>Leases one batch of due messages, sends them, and returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var claim = Guid.CreateVersion7();
        // One read of the settings per batch: the batch's instance messages go through the same server.
        var smtp = await sender.ReadSettingsAsync(cancellationToken);
        List<OutgoingEmail> leased;
        Dictionary<int, SendingAccount> accounts;
        Dictionary<int, Queue<DateTime>> recent;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
            var now = clock.GetUtcNow().UtcDateTime;
            (leased, recent) = await ClaimAsync(db, claim, now, Math.Max(1, options.CurrentValue.BatchSize), smtp.IsConfigured, cancellationToken);
            var accountIds = leased.Where(m => m.SendingAccountId != null).Select(m => m.SendingAccountId!.Value).Distinct().ToList();
            accounts = await db.SendingAccounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        }

        foreach (var message in leased)
        {
            if (message.SendingAccountId is not { } accountId)
            {
                await DeliverAsync(smtp, message, claim, cancellationToken);
                continue;
            }

            if (!accounts.TryGetValue(accountId, out var account))
            {
                await BlockAsync(message, claim, "The sending account of this message was removed; it is never sent.");
                continue;
            }

            // The account's rate: at most RatePerMinute sends in any sliding minute; a message
            // over it waits (without using an attempt) until the oldest send leaves the window.
            var now = clock.GetUtcNow().UtcDateTime;
            var window = recent.TryGetValue(accountId, out var found) ? found : recent[accountId] = new Queue<DateTime>();
            while (window.Count > 0 && window.Peek() <= now - RateWindow)
            {
                window.Dequeue();
            }

            if (window.Count >= Math.Max(1, account.RatePerMinute))
            {
                await PostponeAsync(message, claim, window.Peek() + RateWindow);
                continue;
            }

            if (await DeliverAsync(accountSettings.Settings(account), message, claim, cancellationToken))
            {
                window.Enqueue(now);
            }
        }

        return leased.Count;
    }

    /// <summary>The window of a sending account's rate limit.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private async Task PostponeAsync(OutgoingEmail message, Guid claim, DateTime until)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await db.OutgoingEmails.Where(e => e.Id == message.Id && e.LeaseOwner == claim).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.NextAttemptAt, until)
            .SetProperty(e => e.LeaseOwner, (Guid?)null)
            .SetProperty(e => e.LeasedUntil, (DateTime?)null), CancellationToken.None);
    }

    private async Task BlockAsync(OutgoingEmail message, Guid claim, string error)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        await db.OutgoingEmails.Where(e => e.Id == message.Id && e.LeaseOwner == claim).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, EmailStatus.Blocked)
            .SetProperty(e => e.Attempts, message.Attempts + 1)
            .SetProperty(e => e.LastError, error)
            .SetProperty(e => e.NextAttemptAt, (DateTime?)null)
            .SetProperty(e => e.LeaseOwner, (Guid?)null)
            .SetProperty(e => e.LeasedUntil, (DateTime?)null), CancellationToken.None);
        LogBlocked(message.Id, message.Purpose, message.Attempts + 1, error);
    }

    /// <summary>
    /// Marks up to <paramref name="batch"/> due, unleased messages as held by <paramref name="claim"/>.
    /// PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent runs each lock different rows
    /// without waiting on each other. SQLite has one writer at a time: the transaction is BEGIN
    /// IMMEDIATE (Microsoft.Data.Sqlite's default), so the check "still unleased" and the lease
    /// are written under the database's write lock and a second run sees the lease.
    /// </summary>
    /// <summary>
    /// Leases up to <paramref name="batch"/> due messages to <paramref name="claim"/> and reads, in
    /// the same transaction, what counts against the rate of their accounts: each account's sends
    /// in the last minute, plus the messages other runs (other instances) hold right now, counted as
    /// sent now. Claims take turns (PostgreSQL: a transaction-scoped advisory lock; SQLite: the
    /// write lock), so of two runs only the later one counts the earlier one's lease: counted both
    /// ways, two instances would each leave room for the other and together send less than the rate.
    /// </summary>
    private static async Task<(List<OutgoingEmail> Leased, Dictionary<int, Queue<DateTime>> Recent)> ClaimAsync(
        CrmDb db, Guid claim, DateTime now, int batch, bool instanceConfigured, CancellationToken cancellationToken)
    {
        var until = now + Lease;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Without instance settings only messages through a user's own account can go.
        var due = db.OutgoingEmails.Where(e => e.Status == EmailStatus.Queued && e.NextAttemptAt <= now && (e.LeasedUntil == null || e.LeasedUntil < now)
            && (instanceConfigured || e.SendingAccountId != null));
        List<Guid> ids;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ClaimLock})", cancellationToken);
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "OutgoingEmails"
                WHERE "Status" = {(int)EmailStatus.Queued} AND "NextAttemptAt" <= {now} AND ("LeasedUntil" IS NULL OR "LeasedUntil" < {now})
                  AND ({instanceConfigured} OR "SendingAccountId" IS NOT NULL)
                ORDER BY "NextAttemptAt"
                LIMIT {batch}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
            due = db.OutgoingEmails.Where(e => ids.Contains(e.Id));
        }
        else
        {
            ids = await due.OrderBy(e => e.NextAttemptAt).Take(batch).Select(e => e.Id).ToListAsync(cancellationToken);
            due = db.OutgoingEmails.Where(e => ids.Contains(e.Id) && (e.LeasedUntil == null || e.LeasedUntil < now));
        }

        await due.ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, claim).SetProperty(e => e.LeasedUntil, until), cancellationToken);
        // By key, then the lease: LeaseOwner has no index, and sent messages stay in the table.
        var leased = await db.OutgoingEmails.AsNoTracking().Where(e => ids.Contains(e.Id) && e.LeaseOwner == claim).OrderBy(e => e.NextAttemptAt).ToListAsync(cancellationToken);
        var accountIds = leased.Where(m => m.SendingAccountId != null).Select(m => m.SendingAccountId!.Value).Distinct().ToList();
        var since = now - RateWindow;
        var recent = accountIds.Count == 0 ? [] : (await db.OutgoingEmails.AsNoTracking()
                .Where(e => e.SendingAccountId != null && accountIds.Contains(e.SendingAccountId.Value)
                    && ((e.Status == EmailStatus.Sent && e.SentAt > since)
                        || (e.Status == EmailStatus.Queued && e.LeaseOwner != null && e.LeaseOwner != claim && e.LeasedUntil > now)))
                .Select(e => new { Account = e.SendingAccountId!.Value, e.SentAt }).ToListAsync(cancellationToken))
            .GroupBy(e => e.Account).ToDictionary(g => g.Key, g => new Queue<DateTime>(g.Select(e => e.SentAt ?? now).Order()));
        await transaction.CommitAsync(cancellationToken);
        return (leased, recent);
    }

    // Any fixed number: only claims take this lock ("CRMMAILS").
    private const long ClaimLock = 0x43524D4D41494C53;

    /// <summary>Sends one leased message and records the outcome; true when the server accepted it.</summary>
    private async Task<bool> DeliverAsync(SmtpSettings smtp, OutgoingEmail message, Guid claim, CancellationToken cancellationToken)
    {
        var attempt = message.Attempts + 1;
        string? error = null;
        try
        {
            // Decrypted only now, held only for the send: the body carries single-use links.
            var body = _bodies.Unprotect(message.ProtectedBody);
            var html = message.ProtectedHtmlBody is null ? null : _bodies.Unprotect(message.ProtectedHtmlBody);
            await SmtpSender.SendAsync(smtp, message.To, message.Subject, body, html, cancellationToken);
        }
        catch (EmailNotSentException e)
        {
            error = e.Message;
        }
        catch (CryptographicException)
        {
            error = "The message cannot be decrypted: the Data Protection keys it was written with are gone.";
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDb>();
        var mine = db.OutgoingEmails.Where(e => e.Id == message.Id && e.LeaseOwner == claim);
        if (error is null)
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, EmailStatus.Sent)
                .SetProperty(e => e.SentAt, now)
                .SetProperty(e => e.Attempts, attempt)
                .SetProperty(e => e.NextAttemptAt, (DateTime?)null)
                .SetProperty(e => e.LeaseOwner, (Guid?)null)
                .SetProperty(e => e.LeasedUntil, (DateTime?)null), CancellationToken.None);
            LogSent(message.Id, message.Purpose, attempt);
            return true;
        }

        var blocked = attempt > Backoff.Count;
        DateTime? next = blocked ? null : now + Backoff[attempt - 1];
        await mine.ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, blocked ? EmailStatus.Blocked : EmailStatus.Queued)
            .SetProperty(e => e.Attempts, attempt)
            .SetProperty(e => e.LastError, error)
            .SetProperty(e => e.NextAttemptAt, next)
            .SetProperty(e => e.LeaseOwner, (Guid?)null)
            .SetProperty(e => e.LeasedUntil, (DateTime?)null), CancellationToken.None);
        if (blocked)
        {
            LogBlocked(message.Id, message.Purpose, attempt, error);
        }
        else
        {
            LogRetrying(message.Id, message.Purpose, attempt, next!.Value, error);
        }

        return false;
    }

    // Log lines name the message, never its body or recipient's link; the password is never logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Email delivery through {Host}:{Port} ({Security}) from {From}, user {UserName}")]
    private partial void LogConfigured(string host, int port, SmtpSecurity security, string from, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP server certificates trusted by their SHA-256 thumbprint (Email:Smtp:TrustedCertificateThumbprint): {Thumbprints}")]
    private partial void LogPinnedCertificates(string thumbprints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email settings: {Problem}")]
    private partial void LogSettingsProblem(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email delivery is off: no Email:Smtp:Host is configured; messages wait in the queue")]
    private partial void LogNotConfigured();

    [LoggerMessage(Level = LogLevel.Information, Message = "Email delivery is disabled on this instance (Email:Delivery:Enabled=false)")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Error, Message = "Email delivery run failed; trying again at the next tick")]
    private partial void LogRunFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} ({Purpose}) attempt {Attempt}: sent")]
    private partial void LogSent(Guid messageId, string purpose, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} ({Purpose}) attempt {Attempt}: failed, next attempt at {NextAttemptAt:u}: {Error}")]
    private partial void LogRetrying(Guid messageId, string purpose, int attempt, DateTime nextAttemptAt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Email {MessageId} ({Purpose}) attempt {Attempt}: failed, blocked: {Error}")]
    private partial void LogBlocked(Guid messageId, string purpose, int attempt, string error);
}
