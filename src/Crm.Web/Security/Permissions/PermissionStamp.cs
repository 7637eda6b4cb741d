using System.Collections.Concurrent;
using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Features.Account;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Profiles;
using Crm.Web.Features.Roles;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Security.Permissions;

/// <summary>
/// One row whose token changes, in the same transaction, whenever anything a permission subject is
/// built from changes: users (role, administrator flag, who is below whom), roles and their grants,
/// field rules and profiles, profiles and their grants and field rules, departments and memberships, groups and their grants, overrides, organisation
/// defaults. A loaded subject is reused across requests only while the token it was loaded under
/// is still the current one, so one indexed read replaces ten and a change still bites on the very
/// next request — on every instance, since the token lives in the shared database.
/// </summary>
public sealed class PermissionStamp
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public Guid Token { get; set; }

    /// <summary>The current token, read on its own (a request's session check reads it with the session instead).</summary>
    public static Task<Guid?> CurrentAsync(CrmDb db, CancellationToken cancellationToken) =>
        db.Set<PermissionStamp>().AsNoTracking().Where(s => s.Id == SingletonId).Select(s => (Guid?)s.Token).FirstOrDefaultAsync(cancellationToken);

    internal sealed class Configuration : IEntityTypeConfiguration<PermissionStamp>
    {
        public void Configure(EntityTypeBuilder<PermissionStamp> builder)
        {
            builder.ToTable("PermissionStamps");
            builder.Property(s => s.Id).ValueGeneratedNever();
        }
    }

    /// <summary>
    /// Marks the stamp changed in <paramref name="db"/>'s unit of work; the next SaveChanges writes it
    /// with the rest. For changes made with set-based statements the change tracker cannot see.
    /// </summary>
    public static void Touch(DbContext db)
    {
        var stamp = db.ChangeTracker.Entries<PermissionStamp>().FirstOrDefault()?.Entity;
        if (stamp is null)
        {
            stamp = new PermissionStamp { Id = SingletonId };
            db.Attach(stamp);
        }

        db.Entry(stamp).Property(s => s.Token).CurrentValue = Guid.NewGuid();
        db.Entry(stamp).Property(s => s.Token).IsModified = true;
    }
}

/// <summary>
/// The stamp as the request's session check read it, in the same query as the session, so the
/// engine does not spend a round trip of its own on it. Empty when nothing read it (API tokens,
/// background jobs): the engine then reads the stamp itself.
/// </summary>
public sealed class RequestPermissionStamp
{
    public Guid? Token { get; set; }
}

/// <summary>Touches the <see cref="PermissionStamp"/> when a SaveChanges holds a change that shapes permissions.</summary>
public sealed class PermissionChanges : SaveChangesInterceptor
{
    public static readonly PermissionChanges Instance = new();

    // Entity types only (the engine has records of the same names, e.g. GroupGrant).
    private static readonly HashSet<Type> s_shaping =
    [
        typeof(CrmUser), typeof(Role), typeof(RoleGrant), typeof(RoleFieldRule), typeof(Department), typeof(UserDepartment),
        typeof(Group), typeof(GroupMember), typeof(Features.Groups.GroupGrant), typeof(PermissionOverride), typeof(ModuleDefault),
        typeof(SharingRule), typeof(Profile), typeof(ProfileGrant), typeof(ProfileFieldRule), typeof(RoleProfile),
    ];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        TouchIfShaping(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        TouchIfShaping(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void TouchIfShaping(DbContext? db)
    {
        if (db is null)
        {
            return;
        }

        db.ChangeTracker.DetectChanges();
        if (Data.TrackedEntries.AsDetected(db.ChangeTracker).Exists(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && s_shaping.Contains(e.Metadata.ClrType)))
        {
            PermissionStamp.Touch(db);
        }
    }
}

/// <summary>Subjects loaded under a stamp token, shared by every request of this instance.</summary>
public sealed class PermissionSubjectCache
{
    private readonly ConcurrentDictionary<Guid, (Guid Token, PermissionSubject Subject)> _subjects = new();

    public PermissionSubject? Get(Guid userId, Guid token) =>
        _subjects.TryGetValue(userId, out var entry) && entry.Token == token ? entry.Subject : null;

    public void Put(Guid userId, Guid token, PermissionSubject subject) => _subjects[userId] = (token, subject);
}
