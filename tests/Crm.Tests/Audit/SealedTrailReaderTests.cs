using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Tests.Webhooks;
using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Audit;

/// <summary>
/// The trail's readers (webhooks, automation) handle a batch outside any transaction and then move
/// their cursor only from where the batch began: of two instances that handled the same batch, the
/// one that saves first keeps its rows and the other's are dropped, so no event is handled twice.
/// </summary>
public sealed class SealedTrailReaderTests
{
    /// <summary>A batch larger than the whole trail, whatever the new database starts with.</summary>
    private const int Everything = 1_000_000;

    [Fact]
    public async Task Of_two_readers_handling_the_same_batch_only_the_first_to_save_keeps_its_rows()
    {
        await using var app = WebhookKit.App();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        foreach (var name in new[] { "Acme", "Globex" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/companies", $$"""{"name":"{{name}}"}""")).StatusCode);
        }

        using var outerScope = app.Services.CreateScope();
        using var innerScope = app.Services.CreateScope();
        var outer = outerScope.ServiceProvider.GetRequiredService<CrmDb>();
        var inner = innerScope.ServiceProvider.GetRequiredService<CrmDb>();
        await AuditChain.SealAsync(outer, CancellationToken.None);
        var lastSeal = await outer.AuditSeals.MaxAsync(s => s.Seq);

        var innerRead = 0;
        var outerRead = await SealedTrailReader.ReadAsync<WebhookCursor>(outer, Everything, async (entries, cancellationToken) =>
        {
            // Another instance handles the same entries and saves while this one is still at work.
            innerRead = await SealedTrailReader.ReadAsync<WebhookCursor>(inner, Everything, (same, _) =>
            {
                inner.Notifications.Add(Marker(adminId, $"inner saw {same.Count}"));
                return Task.FromResult(true);
            }, cancellationToken);
            outer.Notifications.Add(Marker(adminId, $"outer saw {entries.Count}"));
            return true;
        }, CancellationToken.None);

        Assert.True(innerRead > 0);
        Assert.Equal(0, outerRead);
        var markers = await app.InDatabaseAsync(db => db.Notifications.AsNoTracking().Where(n => n.Body == "trail reader test").Select(n => n.Title).ToListAsync());
        Assert.Equal([$"inner saw {innerRead}"], markers);
        Assert.Equal(lastSeal, await app.InDatabaseAsync(db => db.Set<WebhookCursor>().Select(c => c.AuditSealSeq).SingleAsync()));

        // Nothing new: the next pass reads nothing and writes nothing.
        Assert.Equal(0, await SealedTrailReader.ReadAsync<WebhookCursor>(inner, Everything, (_, _) => throw new InvalidOperationException("No entry is left."), CancellationToken.None));
    }

    private static Notification Marker(Guid userId, string title) => new() { UserId = userId, CreatedAt = DateTime.UnixEpoch, Title = title, Body = "trail reader test" };
}
