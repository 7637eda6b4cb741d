using System.Net;
using System.Net.Http.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Users;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Security;

/// <summary>
/// Permission subjects are reused across requests only under an unchanged stamp: every change to
/// what shapes permissions must replace the stamp in its own transaction, and nothing else should.
/// </summary>
public sealed class PermissionStampTests
{
    [Fact]
    public async Task Shaping_changes_replace_the_stamp_and_record_changes_leave_it()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var user = await app.CreateUserAsync("stamped@crm.test", "a good long passphrase");
        Task<Guid> TokenAsync() => app.InDatabaseAsync(db => db.Set<PermissionStamp>().Select(s => s.Token).SingleAsync());

        var before = await TokenAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/v1/companies", new { name = "Not a permission change" })).StatusCode);
        Assert.Equal(before, await TokenAsync());

        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/api/v1/groups", new { name = "Stampers", memberIds = new[] { user.Id } })).StatusCode);
        var afterGroup = await TokenAsync();
        Assert.NotEqual(before, afterGroup);

        // Memberships are replaced with set-based deletes the change tracker cannot see: still a new stamp.
        await app.InDatabaseAsync(async db =>
        {
            await UserInputRules.SetMembershipsAsync(db, user.Id, [], null, [], CancellationToken.None);
            return await db.SaveChangesAsync();
        });
        Assert.NotEqual(afterGroup, await TokenAsync());
    }

    [Fact]
    public void A_cached_subject_is_not_used_after_its_stamp_changed()
    {
        var cache = new PermissionSubjectCache();
        var userId = Guid.NewGuid();
        var first = Guid.NewGuid();
        cache.Put(userId, first, new PermissionSubject(userId, "Someone"));
        Assert.NotNull(cache.Get(userId, first));
        Assert.Null(cache.Get(userId, Guid.NewGuid()));
        Assert.Null(cache.Get(Guid.NewGuid(), first));
    }
}
