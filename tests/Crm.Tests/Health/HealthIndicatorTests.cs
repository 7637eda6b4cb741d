using Crm.Tests.Infrastructure;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.Email;
using Crm.Web.Features.Health;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.TwoFactor;
using Crm.Web.Features.Users;
using Crm.Web.Features.Vault;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Health.HealthKit;

namespace Crm.Tests.Health;

/// <summary>
/// Each indicator at good, warning and critical, from rows seeded as the features write them and a
/// measuring time moved forward (one app; the indicators read disjoint tables, so the steps do not
/// disturb each other). Where the seed's default thresholds are equal (any administrator without
/// two-factor is critical) the warning band is shown under thresholds an administrator could set.
/// </summary>
public sealed class HealthIndicatorTests
{
    [Fact]
    public async Task Each_indicator_is_good_warning_and_critical_by_its_thresholds()
    {
        await using var app = new CrmApp();
        var adminId = await app.AdminIdAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;

        // Scheduler last run: good within 2 minutes, warning after, critical after 5.
        await app.Services.GetRequiredService<JobScheduler>().RunDueAsync(CancellationToken.None);
        Assert.Equal(HealthState.Good, await StateAsync(app, SchedulerHealth.Key, TimeSpan.FromMinutes(2)));
        Assert.Equal(HealthState.Warning, await StateAsync(app, SchedulerHealth.Key, TimeSpan.FromMinutes(3)));
        var (stopped, said) = await MeasureAsync(app, SchedulerHealth.Key, TimeSpan.FromMinutes(6));
        Assert.Equal(HealthState.Critical, stopped);
        Assert.Equal(6, said.Value);

        // Email queue: 0 blocked good, 1 to 10 warning, 11 critical; queued ones do not count.
        await AddEmailsAsync(app, EmailStatus.Queued, 3);
        Assert.Equal(HealthState.Good, await StateAsync(app, EmailQueueHealth.Key));
        await AddEmailsAsync(app, EmailStatus.Blocked, 10);
        Assert.Equal(HealthState.Warning, await StateAsync(app, EmailQueueHealth.Key));
        await AddEmailsAsync(app, EmailStatus.Blocked, 1);
        var (blocked, figure) = await MeasureAsync(app, EmailQueueHealth.Key);
        Assert.Equal((HealthState.Critical, 11.0), (blocked, figure.Value));

        // Webhook delivery rate over 24 hours: none is good, 99 % good, 97 % warning, 90 % critical; older attempts do not count.
        Assert.Equal(HealthState.Good, await StateAsync(app, WebhookDeliveryHealth.Key));
        var delivery = await AddWebhookDeliveryAsync(app, adminId, now);
        await AddAttemptsAsync(app, delivery, now.AddHours(-25), succeeded: 0, failed: 50);
        await AddAttemptsAsync(app, delivery, now.AddMinutes(-5), succeeded: 99, failed: 1);
        Assert.Equal(HealthState.Good, await StateAsync(app, WebhookDeliveryHealth.Key));
        await AddAttemptsAsync(app, delivery, now.AddMinutes(-4), succeeded: 0, failed: 2);
        (var state, figure) = await MeasureAsync(app, WebhookDeliveryHealth.Key);
        Assert.Equal((HealthState.Warning, 97.06), (state, figure.Value));
        await AddAttemptsAsync(app, delivery, now.AddMinutes(-3), succeeded: 0, failed: 8);
        Assert.Equal(HealthState.Critical, await StateAsync(app, WebhookDeliveryHealth.Key));
        Assert.Equal(HealthState.Good, await StateAsync(app, WebhookDeliveryHealth.Key, TimeSpan.FromHours(25)));

        // API error rate since yesterday: 0.5 % good, 2 % warning, 6 % critical; last week's day does not count.
        var token = await AddTokenAsync(app, adminId, "Make.com - Leads 2026", now);
        Assert.Equal(HealthState.Good, await StateAsync(app, ApiErrorRateHealth.Key));
        var today = DateOnly.FromDateTime(now);
        await SetUsageAsync(app, token, today.AddDays(-7), 100, 100);
        await SetUsageAsync(app, token, today.AddDays(-1), 600, 3);
        await SetUsageAsync(app, token, today, 400, 2);
        Assert.Equal(HealthState.Good, await StateAsync(app, ApiErrorRateHealth.Key));
        await SetUsageAsync(app, token, today, 400, 17);
        (state, figure) = await MeasureAsync(app, ApiErrorRateHealth.Key);
        Assert.Equal((HealthState.Warning, 2.0), (state, figure.Value));
        await SetUsageAsync(app, token, today, 400, 57);
        Assert.Equal(HealthState.Critical, await StateAsync(app, ApiErrorRateHealth.Key));

        // API tokens unused for 6 months: used recently good, one forgotten warning, six critical; revoked ones do not count.
        await app.InDatabaseAsync(db => db.ApiTokens.Where(t => t.Id == token).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now)));
        Assert.Equal(HealthState.Good, await StateAsync(app, UnusedApiTokensHealth.Key, TimeSpan.FromDays(179)));
        (state, figure) = await MeasureAsync(app, UnusedApiTokensHealth.Key, TimeSpan.FromDays(181));
        Assert.Equal(HealthState.Warning, state);
        Assert.Contains("Make.com - Leads 2026", figure.Summary, StringComparison.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            await AddTokenAsync(app, adminId, $"Old integration {i}", now);
        }

        var revoked = await AddTokenAsync(app, adminId, "Revoked long ago", now);
        await app.InDatabaseAsync(db => db.ApiTokens.Where(t => t.Id == revoked).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now)));
        (state, figure) = await MeasureAsync(app, UnusedApiTokensHealth.Key, TimeSpan.FromDays(181));
        Assert.Equal((HealthState.Critical, 6.0), (state, figure.Value));

        // Administrators with two-factor sign-in: all good; any without critical by default; a warning band when set.
        Assert.Equal(HealthState.Critical, await StateAsync(app, AdministratorsTwoFactorHealth.Key));
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Id == adminId).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        Assert.Equal(HealthState.Good, await StateAsync(app, AdministratorsTwoFactorHealth.Key));
        await app.CreateUserAsync("dana@crm.test", "a good long passphrase", administrator: true, name: "Dana");
        (state, figure) = await MeasureAsync(app, AdministratorsTwoFactorHealth.Key);
        Assert.Equal((HealthState.Critical, 50.0, "1 of 2 — Dana has none"), (state, figure.Value, figure.Summary));
        Assert.Equal(HealthState.Warning, await StateAsync(app, AdministratorsTwoFactorHealth.Key, thresholds: (100, 50)));
        await app.CreateUserAsync("staff@crm.test", "a good long passphrase"); // not an administrator: not counted
        Assert.Equal(50.0, (await MeasureAsync(app, AdministratorsTwoFactorHealth.Key)).Figure.Value);

        // Active accounts without a sign-in for 90 days: none good; any critical by default; a warning band when set; inactive ones do not count.
        Assert.Equal(HealthState.Good, await StateAsync(app, InactiveAccountsHealth.Key, TimeSpan.FromDays(89)));
        var users = await app.InDatabaseAsync(db => db.Users.CountAsync(u => u.IsActive));
        (state, figure) = await MeasureAsync(app, InactiveAccountsHealth.Key, TimeSpan.FromDays(91));
        Assert.Equal((HealthState.Critical, (double)users), (state, figure.Value));
        Assert.Contains("Dana", figure.Summary, StringComparison.Ordinal);
        await app.InDatabaseAsync(db => db.Users.Where(u => u.Email != CrmApp.AdminEmail).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        Assert.Equal(HealthState.Warning, await StateAsync(app, InactiveAccountsHealth.Key, TimeSpan.FromDays(91), (0, 5)));

        // Vault entries due for rotation, each by its category's interval: none good, one warning, eleven critical.
        var monthly = await AddCategoryAsync(app, "Servers", 30, now);
        var bimonthly = await AddCategoryAsync(app, "Suppliers", 60, now);
        await AddEntriesAsync(app, monthly, 1, now);
        await AddEntriesAsync(app, bimonthly, 10, now);
        Assert.Equal(HealthState.Good, await StateAsync(app, VaultRotationHealth.Key, TimeSpan.FromDays(29)));
        Assert.Equal(HealthState.Warning, await StateAsync(app, VaultRotationHealth.Key, TimeSpan.FromDays(31)));
        (state, figure) = await MeasureAsync(app, VaultRotationHealth.Key, TimeSpan.FromDays(61));
        Assert.Equal((HealthState.Critical, 11.0), (state, figure.Value));
    }

    private static Task<int> AddEmailsAsync(CrmApp app, EmailStatus status, int count) => app.InDatabaseAsync(db =>
    {
        for (var i = 0; i < count; i++)
        {
            db.OutgoingEmails.Add(new OutgoingEmail
            {
                Id = Guid.CreateVersion7(), To = $"someone{i}@example.com", Subject = "Hello", ProtectedBody = "x", Purpose = "test",
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Status = status, Attempts = status == EmailStatus.Blocked ? 8 : 0,
            });
        }

        return db.SaveChangesAsync();
    });

    private static Task<Guid> AddWebhookDeliveryAsync(CrmApp app, Guid userId, DateTime now) => app.InDatabaseAsync(async db =>
    {
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(), Name = "Receiver", Url = "https://hooks.example.com/crm", UserId = userId, Modules = "companies",
            Events = "created", IsEnabled = false, ProtectedSecret = "x", CreatedAt = now, ModifiedAt = now,
        };
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(), EndpointId = endpoint.Id, EventType = "webhook.test", Body = "{}", CreatedAt = now, Status = WebhookDeliveryStatus.Delivered,
        };
        db.Add(endpoint);
        db.Add(delivery);
        await db.SaveChangesAsync();
        return delivery.Id;
    });

    private static Task<int> AddAttemptsAsync(CrmApp app, Guid deliveryId, DateTime at, int succeeded, int failed) => app.InDatabaseAsync(async db =>
    {
        var endpointId = await db.Set<WebhookDelivery>().Where(d => d.Id == deliveryId).Select(d => d.EndpointId).SingleAsync();
        for (var i = 0; i < succeeded + failed; i++)
        {
            db.Add(new WebhookAttempt { DeliveryId = deliveryId, EndpointId = endpointId, At = at, Succeeded = i < succeeded, StatusCode = i < succeeded ? 200 : 500 });
        }

        return await db.SaveChangesAsync();
    });

    private static Task<Guid> AddTokenAsync(CrmApp app, Guid userId, string name, DateTime now) => app.InDatabaseAsync(async db =>
    {
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(), Name = name, UserId = userId, Prefix = Guid.NewGuid().ToString("N")[..12],
            SecretHash = new string('0', 64), CreatedAt = now,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync();
        return token.Id;
    });

    private static Task<int> SetUsageAsync(CrmApp app, Guid tokenId, DateOnly day, long requests, long errors) => app.InDatabaseAsync(async db =>
    {
        await db.ApiTokenDailyUsage.Where(u => u.TokenId == tokenId && u.Day == day).ExecuteDeleteAsync();
        db.ApiTokenDailyUsage.Add(new ApiTokenDailyUsage { TokenId = tokenId, Day = day, Requests = requests, Errors = errors });
        return await db.SaveChangesAsync();
    });

    private static Task<int> AddCategoryAsync(CrmApp app, string name, int days, DateTime now) => app.InDatabaseAsync(async db =>
    {
        var category = new VaultCategory { Name = name, RotationDays = days, CreatedAt = now };
        db.Add(category);
        await db.SaveChangesAsync();
        return category.Id;
    });

    private static Task<int> AddEntriesAsync(CrmApp app, int categoryId, int count, DateTime now) => app.InDatabaseAsync(db =>
    {
        for (var i = 0; i < count; i++)
        {
            db.Add(new VaultEntry
            {
                CategoryId = categoryId, Name = $"Entry {categoryId}-{i}", SecretsId = Guid.NewGuid(), EncryptedPassword = "v1.x",
                PasswordChangedAt = now, CreatedAt = now, ModifiedAt = now,
            });
        }

        return db.SaveChangesAsync();
    });
}
