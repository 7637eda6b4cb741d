using Crm.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// One database per test app, on the provider this run targets: a temp SQLite file, or a
/// database of its own on the PostgreSQL server the test script started. A run asked to use
/// PostgreSQL without a server fails: a skipped provider must never look like a pass.
/// <para>
/// <see cref="Migrated"/> (what <see cref="CrmApp"/> uses) copies a template that the migrations
/// built once for the whole test process (ADR 0014): running every migration for every test was
/// most of the suite's time. The template is what one app's first start leaves (ADR 0023): the
/// migrated schema, the start-up seeds (roles, countries) and the first administrator, written by
/// the app itself with their audit entries at the test clock's start time; each test app's start
/// then finds them and writes nothing. <see cref="Empty"/> is for the tests whose subject is the
/// migrations or a first start.
/// </para>
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string ProviderVariable = "CRM_TEST_PROVIDER";
    public const string PostgresVariable = "CRM_TEST_POSTGRES";

    private const string PostgresTemplatePrefix = "crm_template_";

    private readonly string? _sqliteFolder;
    private readonly string? _postgresName;

    // Built on first use, once per process, whichever test class asks first.
    private static readonly Lazy<string> s_template = new(BuildTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestDatabase(bool migrated)
    {
        if (IsPostgres)
        {
            _postgresName = "crm_test_" + Guid.NewGuid().ToString("N");
            // CREATE DATABASE copies template1 unless told otherwise; the migrated template is copied
            // file by file by the server, which no connection to it may disturb (it allows none).
            // PostgreSQL 15 and later write a copy through the write-ahead log unless told to copy the
            // files, which takes twice as long for a database this small.
            var template = migrated ? $" TEMPLATE \"{s_template.Value}\"{(s_copiesFiles.Value ? " STRATEGY FILE_COPY" : "")}" : "";
            RunOnServer($"CREATE DATABASE \"{_postgresName}\"{template}");
            ConnectionString = PostgresConnectionString(_postgresName);
        }
        else
        {
            _sqliteFolder = Directory.CreateTempSubdirectory("crm-test-").FullName;
            var file = Path.Combine(_sqliteFolder, "crm.db");
            if (migrated)
            {
                File.Copy(s_template.Value, file);
            }

            ConnectionString = $"Data Source={file}";
        }
    }

    /// <summary>The template itself, for the one app that starts on it while it is built; never dropped by <see cref="Dispose"/>.</summary>
    private TestDatabase(string connectionString) => ConnectionString = connectionString;

    /// <summary>A database as a CRM leaves it after its first start: every migration, the shipped seeds, the first administrator.</summary>
    public static TestDatabase Migrated() => new(migrated: true);

    /// <summary>A database with nothing in it, for tests of the migrations themselves and of a first start.</summary>
    public static TestDatabase Empty() => new(migrated: false);

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    public static string ProviderName => IsPostgres ? "Postgres" : "Sqlite";

    public string ConnectionString { get; }

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ProviderVariable}=Postgres but {PostgresVariable} is not set: run the tests through ./test.sh, which starts a PostgreSQL server.");

    // A test app's connections are pooled as in production: unpooled, every query of every request
    // made the server fork a new backend, which tripled the PostgreSQL run. Dispose clears the pools
    // before the database is dropped. The template's connection is never pooled: a copy needs the
    // template without any connection.
    private static string PostgresConnectionString(string database, bool pooled = true) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = pooled }.ToString();

    // The administration connection (to the server's own database, never to a test's or the
    // template's) is pooled: each test creates and drops a database through it.
    private static void RunOnServer(string sql) => OnServer(sql, c => c.ExecuteNonQuery());

    private static T OnServer<T>(string sql, Func<NpgsqlCommand, T> run)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return run(command);
    }

    private static readonly Lazy<bool> s_copiesFiles = new(() =>
        OnServer("SHOW server_version_num", c => int.Parse((string)c.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture)) >= 150000);

    /// <summary>Runs the app's own migration step on an empty database; returns the template's name (PostgreSQL) or file (SQLite).</summary>
    private static string BuildTemplate()
    {
        var provider = IsPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        string template, connectionString;
        if (IsPostgres)
        {
            DropStalePostgresTemplates();
            // Named per process, so parallel runs on one server (developers sharing it) never meet.
            template = $"{PostgresTemplatePrefix}{TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()}_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..8]}";
            RunOnServer($"CREATE DATABASE \"{template}\"");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropPostgresTemplate(template);
            connectionString = PostgresConnectionString(template, pooled: false);
        }
        else
        {
            var folder = Directory.CreateTempSubdirectory("crm-template-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteFolder(folder);
            template = Path.Combine(folder, "crm.db");
            connectionString = $"Data Source={template}";
        }

        // Off the test's thread: xunit's synchronisation context must not carry the continuations
        // of a wait that blocks one of its threads.
        Task.Run(async () =>
        {
            var options = new DbContextOptionsBuilder<CrmDb>();
            options.UseCrmDatabase(provider, connectionString, Path.GetTempPath());
            await using var db = new CrmDb(options.Options);
            await db.ApplyMigrationsAsync(CancellationToken.None);
        }).GetAwaiter().GetResult();

        // Then the app's own first start, once: the shipped roles and countries and the first
        // administrator (CrmApp's), each written with its audit entries, exactly as every test app
        // wrote them itself before, at the same test-clock time. It was a third of a test app's start.
        // Its Data Protection key is removed: each app makes its own under its own key file.
        Task.Run(async () =>
        {
            var appConnection = IsPostgres ? PostgresConnectionString(template, pooled: false) : connectionString;
            await using (var app = new CrmApp(new TestDatabase(appConnection)))
            {
                _ = app.Server;
            }

            var options = new DbContextOptionsBuilder<CrmDb>();
            options.UseCrmDatabase(provider, appConnection, Path.GetTempPath());
            await using var db = new CrmDb(options.Options);
            await db.DataProtectionKeys.ExecuteDeleteAsync();
            // A new installation requires two-factor sign-in of administrators; the suite's
            // administrator signs in with a password, and the two-factor tests turn it on.
            await db.Set<Crm.Web.Features.TwoFactor.TwoFactorPolicy>().ExecuteUpdateAsync(u => u.SetProperty(p => p.RequiredForAdministrators, false));
        }).GetAwaiter().GetResult();

        if (IsPostgres)
        {
            // No connection to the template was pooled, so none is left open; refusing new ones
            // keeps the copies safe from anything that would look at the template by mistake.
            RunOnServer($"ALTER DATABASE \"{template}\" WITH ALLOW_CONNECTIONS false");
        }
        else
        {
            // The app pools its SQLite connections: close them, then leave WAL for a rollback journal,
            // which checkpoints everything into the one file a copy takes. Each test's app sets WAL
            // again at its start, as on any database.
            SqliteConnection.ClearAllPools();
            using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString()))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=DELETE;";
                var mode = (string?)command.ExecuteScalar();
                if (!string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The SQLite template stayed in journal mode {mode}: a copy of its file could miss pages.");
                }
            }

            if (File.Exists(template + "-wal"))
            {
                throw new InvalidOperationException("The SQLite template still has a write-ahead log: a copy of its file would miss pages.");
            }
        }

        return template;
    }

    private static void DropPostgresTemplate(string template)
    {
        try
        {
            RunOnServer($"DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)");
        }
#pragma warning disable CA1031 // At exit the server may be gone already (the test script stops it); nothing is left to clean then.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Templates left by test processes that were killed before their exit handler ran. Only old
    /// ones are dropped: a shared server may have another developer's run going, whose template is
    /// young, and no test run lasts a day.
    /// </summary>
    private static void DropStalePostgresTemplates()
    {
        var names = new List<string>();
        using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT datname FROM pg_database WHERE datname LIKE '{PostgresTemplatePrefix}%'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var dayAgo = TimeProvider.System.GetUtcNow().AddDays(-1).ToUnixTimeSeconds();
        foreach (var name in names)
        {
            var created = name[PostgresTemplatePrefix.Length..].Split('_')[0];
            if (long.TryParse(created, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds < dayAgo)
            {
                DropPostgresTemplate(name);
            }
        }
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS temp cleaner; it holds no shared state.
        }
    }

    public void Dispose()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            RunOnServer($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)");
        }

        if (_sqliteFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            DeleteFolder(_sqliteFolder);
        }
    }
}
