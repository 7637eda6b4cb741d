using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DataSetup
{
    /// <summary>The SQLite file's name in the data folder (<see cref="DataFolder"/>) when <c>ConnectionStrings:Crm</c> is empty.</summary>
    public const string DefaultSqliteFile = "crm.db";
    public const string MigrationsTable = "__migrations";

    /// <summary>
    /// Registers <see cref="CrmDb"/> on the configured provider: SQLite (default, <c>crm.db</c> in
    /// the data folder) or PostgreSQL (<c>Database:Provider=Postgres</c>, <c>ConnectionStrings:Crm</c>).
    /// </summary>
    public static IServiceCollection AddCrmData(this IServiceCollection services)
    {
        // Configuration is read when the first CrmDb is built, so every configuration source
        // (including a test host's) has been applied by then.
        services.AddDbContext<CrmDb>((provider, options) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            options.UseCrmDatabase(
                ReadProvider(configuration),
                configuration.GetConnectionString("Crm"),
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath,
                configuration[DataFolder.Setting]);
            // Scoped interceptors (the audit capture) read the request that saves.
            options.AddInterceptors(provider.GetServices<ISaveChangesInterceptor>());
            // Last, after every interceptor that looks at a save: it may write an import's staged rows itself.
            options.AddInterceptors(Records.StagedCreates.Copy.Instance);
        });

        services.AddSingleton(provider => new DatabaseInfo(ReadProvider(provider.GetRequiredService<IConfiguration>())));
        services.AddDataProtection().SetApplicationName("Crm");
        services.AddSingleton<DatabaseXmlRepository>();
        // The key ring is encrypted with a key kept outside the database (ADR 0007).
        services.AddSingleton<KeyEncryptionKey>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DatabaseXmlRepository, KeyEncryptionKey>((o, repository, kek) =>
            {
                o.XmlRepository = repository;
                o.XmlEncryptor = new KeyFileXmlEncryptor(kek);
            });
        return services;
    }

    /// <summary>
    /// Points a <see cref="CrmDb"/> at its database; used by the app and by tools that build one by
    /// hand. A relative SQLite file is relative to <paramref name="contentRoot"/>; without a
    /// connection string the file is <c>crm.db</c> in the data folder (<paramref name="dataFolder"/>,
    /// as configured: <see cref="DataFolder"/>).
    /// </summary>
    public static DbContextOptionsBuilder UseCrmDatabase(this DbContextOptionsBuilder options, DatabaseProvider provider, string? connectionString, string contentRoot, string? dataFolder = null)
    {
        // Migrations are written by hand, without a model snapshot (the Design package cannot be
        // restored here): the schema-parity test is what proves migrations and model agree.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        options.AddInterceptors(Security.Permissions.PermissionChanges.Instance);
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but ConnectionStrings:Crm is empty. " +
                    "Set it, e.g. ConnectionStrings__Crm=\"Host=localhost;Database=crm;Username=crm;Password=...\".");
            }

            return options.UseNpgsql(Effective(provider, connectionString, contentRoot, dataFolder), npgsql => npgsql.MigrationsHistoryTable(MigrationsTable));
        }

        return options
            .UseSqlite(Effective(provider, connectionString, contentRoot, dataFolder), s => s.MigrationsHistoryTable(MigrationsTable))
            .AddInterceptors(SqliteConnectionPragmas.Instance, SqliteWriterGate.Instance);
    }

    // Every CrmDb is configured afresh (its scoped interceptors belong to the request), but the
    // connection string it gets is worked out once per configured string: parsing it, resolving the
    // SQLite path and creating its folder on every request cost about 3 % of a history read's CPU.
    private static readonly ConcurrentDictionary<(DatabaseProvider, string?, string, string?), string> s_effective = new();

    private static string Effective(DatabaseProvider provider, string? configured, string contentRoot, string? dataFolder) =>
        s_effective.GetOrAdd((provider, configured, contentRoot, dataFolder), key => key.Item1 == DatabaseProvider.Postgres
            ? PostgresConnectionString(key.Item2!)
            : SqliteConnectionString(key.Item2, key.Item3, key.Item4));

    public static DatabaseProvider ReadProvider(IConfiguration configuration)
    {
        var value = configuration["Database:Provider"];
        if (string.IsNullOrWhiteSpace(value) || value.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }

        if (value.Equals("postgres", StringComparison.OrdinalIgnoreCase) || value.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Postgres;
        }

        throw new InvalidOperationException($"Database:Provider '{value}' is not known: use Sqlite or Postgres.");
    }

    /// <summary>
    /// Two defaults for PostgreSQL; an explicit setting of either in the configured string wins.
    /// <list type="bullet">
    /// <item>Pooled connections go back without a DISCARD ALL, which Npgsql otherwise sends before the
    /// next statement, one per query. The CRM leaves no session state behind to discard: no SET,
    /// temporary tables or session locks (the chain's advisory lock is transaction-scoped).</item>
    /// <item>Statements the CRM runs again and again are prepared on each connection after a few
    /// uses (up to <see cref="AutoPrepared"/> of them), so PostgreSQL stops parsing and planning
    /// them anew: it cuts the database's CPU per request by about 40 % (ADR 0010). They survive the
    /// return to the pool because of the first default. Set "Max Auto Prepare=0" behind a pooler
    /// that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).</item>
    /// </list>
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured);
        // The keys the operator wrote, spaces dropped ("No Reset On Close" = "NoResetOnClose"); a
        // value that happens to contain a key's name does not count.
        var named = new DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!named.Contains(nameof(builder.NoResetOnClose)))
        {
            builder.NoResetOnClose = true;
        }

        if (!named.Contains(nameof(builder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = AutoPrepared;
        }

        return builder.ConnectionString;
    }

    /// <summary>How many statements each pooled PostgreSQL connection keeps prepared (least recently used go first).</summary>
    internal const int AutoPrepared = 100;

    private static string SqliteConnectionString(string? configured, string contentRoot, string? dataFolder)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(DataFolder.Resolve(dataFolder, contentRoot), DefaultSqliteFile)}"
            : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        var folder = Path.GetDirectoryName(builder.DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>
    /// Per-connection settings: the busy timeout makes writers wait instead of failing, and
    /// synchronous=NORMAL is the safe companion of WAL. WAL itself is a property of the file, set
    /// once at start (<see cref="DatabaseStartup"/>): asking for it on every pooled open costs
    /// throughput for nothing.
    /// </summary>
    private sealed class SqliteConnectionPragmas : DbConnectionInterceptor
    {
        public static readonly SqliteConnectionPragmas Instance = new();

        private const string Pragmas = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // A transaction disposed unfinished leaves the writer gate to its connection's close or disposal.
        public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => SqliteWriterGate.Release(eventData.ConnectionId);

        public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
        {
            SqliteWriterGate.Release(eventData.ConnectionId);
            return Task.CompletedTask;
        }

        public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => SqliteWriterGate.Release(eventData.ConnectionId);

        public override Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
        {
            SqliteWriterGate.Release(eventData.ConnectionId);
            return Task.CompletedTask;
        }
    }
}

public sealed record DatabaseInfo(DatabaseProvider Provider);
