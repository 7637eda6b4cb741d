using Crm.Tests.Infrastructure;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Security.Org;

namespace Crm.Tests.Security;

/// <summary>
/// The row filter translated by EF Core and run by the database under test (SQLite, or PostgreSQL
/// when the run targets it) gives the same rows as the engine's decision on each record.
/// </summary>
public sealed class RowFilterSqlTests
{
    private static readonly int[] s_departments = [Sales, SalesNorth, Support, Finance];
    private static readonly int[] s_groups = [1, 2, 3];
    private static readonly Guid[] s_others = [Omar, Lena, Raj];

    private sealed class MemoRow : IOwnedRecord
    {
        public int Id { get; set; }
        public Guid OwnerId { get; set; }
        public int DepartmentId { get; set; }
        public Guid? AuthorId { get; set; }
        public string Stage { get; set; } = "";
    }

    private sealed class ShareRow
    {
        public int Id { get; set; }
        public int MemoId { get; set; }
        public ShareTarget Target { get; set; }
        public Guid? UserId { get; set; }
        public int? GroupId { get; set; }
        public int? DepartmentId { get; set; }
        public ShareAccess Access { get; set; }
    }

    private sealed class FilterDb(DbContextOptions<FilterDb> options) : DbContext(options)
    {
        public DbSet<MemoRow> Memos => Set<MemoRow>();
        public DbSet<ShareRow> Shares => Set<ShareRow>();
    }

    [Fact]
    public async Task The_database_returns_exactly_the_records_the_engine_lets_the_subject_view()
    {
        using var database = TestDatabase.Empty();
        var options = new DbContextOptionsBuilder<FilterDb>();
        _ = TestDatabase.IsPostgres ? options.UseNpgsql(database.ConnectionString) : options.UseSqlite(database.ConnectionString);
        await using var db = new FilterDb(options.Options);
        await db.Database.EnsureCreatedAsync();

        var random = new Random(7);
        for (var id = 1; id <= 200; id++)
        {
            db.Memos.Add(new MemoRow
            {
                Id = id,
                OwnerId = People[random.Next(People.Length)],
                DepartmentId = random.Next(1, 6),
                AuthorId = random.Next(3) == 0 ? People[random.Next(People.Length)] : null,
                Stage = random.Next(2) == 0 ? "pending" : CrmModules.MemoReviewed,
            });
            if (random.Next(4) == 0)
            {
                var target = (ShareTarget)random.Next(3);
                db.Shares.Add(new ShareRow
                {
                    MemoId = id,
                    Target = target,
                    UserId = target == ShareTarget.User ? People[random.Next(People.Length)] : null,
                    GroupId = target == ShareTarget.Group ? random.Next(1, 4) : null,
                    DepartmentId = target == ShareTarget.Department ? random.Next(1, 6) : null,
                    Access = (ShareAccess)random.Next(2),
                });
            }
        }

        await db.SaveChangesAsync();
        var memos = await db.Memos.AsNoTracking().ToListAsync();
        var shares = (await db.Shares.AsNoTracking().ToListAsync()).ToLookup(s => s.MemoId);

        var failures = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var module = i % 2 == 0 ? CrmModules.Memos.Key : CrmModules.Deals.Key;
            var subject = AnnAsAgent() with
            {
                IsAdministrator = i == 59,
                DepartmentIds = [.. s_departments.Where(_ => random.Next(2) == 0)],
                SubordinateUserIds = [.. s_others.Where(_ => random.Next(2) == 0)],
                GroupIds = [.. s_groups.Where(_ => random.Next(2) == 0)],
                RoleGrants = [new(module, PermissionAction.View, (Scope)random.Next(5))],
                OrganisationDefaults = new Dictionary<string, OrganisationDefault> { [module] = random.Next(6) == 0 ? OrganisationDefault.PublicRead : OrganisationDefault.Private },
            };
            var me = subject.UserId;
            var groups = subject.GroupIds.ToList();
            var departments = subject.DepartmentIds.ToList();
            var filter = Engine.VisibleTo<MemoRow>(
                subject,
                module,
                sharedWithSubject: m => db.Shares.Any(s => s.MemoId == m.Id
                    && ((s.Target == ShareTarget.User && s.UserId == me)
                        || (s.Target == ShareTarget.Group && groups.Contains(s.GroupId!.Value))
                        || (s.Target == ShareTarget.Department && departments.Contains(s.DepartmentId!.Value)))),
                ruleConditions: new Dictionary<string, System.Linq.Expressions.Expression<Func<MemoRow, bool>>>
                {
                    ["memo-author-sees"] = m => m.AuthorId == me,
                });

            var fromDatabase = await db.Memos.Where(filter).OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
            var fromEngine = memos.Where(m => Engine.Decide(subject, module, PermissionAction.View, Facts(module, m, shares[m.Id])).Allowed).Select(m => m.Id).ToList();
            if (!fromDatabase.SequenceEqual(fromEngine))
            {
                failures.Add($"Subject {i} on {module}: database [{string.Join(",", fromDatabase)}] engine [{string.Join(",", fromEngine)}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static RecordFacts Facts(string module, MemoRow memo, IEnumerable<ShareRow> shares) => new(module, memo.Id, memo.OwnerId, memo.DepartmentId)
    {
        Relations = memo.AuthorId is { } author && module == CrmModules.Memos.Key
            ? new Dictionary<string, IReadOnlyCollection<Guid>> { [RecordRelation.Author] = [author] }
            : new Dictionary<string, IReadOnlyCollection<Guid>>(),
        State = new Dictionary<string, string> { [CrmModules.MemoStage] = memo.Stage },
        Shares = [.. shares.Select(s => new RecordShare(s.Target, s.UserId, s.GroupId, s.DepartmentId, s.Access))],
    };
}
