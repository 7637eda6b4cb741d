using Microsoft.Data.Sqlite;
using Npgsql;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// One empty database per test app, on the provider this run targets: a temp SQLite file, or a
/// fresh database on the PostgreSQL server the test script started. A run asked to use
/// PostgreSQL without a server fails: a skipped provider must never look like a pass.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string ProviderVariable = "CRM_TEST_PROVIDER";
    public const string PostgresVariable = "CRM_TEST_POSTGRES";

    private readonly string? _sqliteFolder;
    private readonly string? _postgresName;

    public TestDatabase()
    {
        if (IsPostgres)
        {
            _postgresName = "crm_test_" + Guid.NewGuid().ToString("N");
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{_postgresName}\"";
            command.ExecuteNonQuery();
            ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = _postgresName, Pooling = false }.ToString();
        }
        else
        {
            _sqliteFolder = Directory.CreateTempSubdirectory("crm-test-").FullName;
            ConnectionString = $"Data Source={Path.Combine(_sqliteFolder, "crm.db")}";
        }
    }

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    public static string ProviderName => IsPostgres ? "Postgres" : "Sqlite";

    public string ConnectionString { get; }

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ProviderVariable}=Postgres but {PostgresVariable} is not set: run the tests through ./test.sh, which starts a PostgreSQL server.");

    public void Dispose()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)";
            command.ExecuteNonQuery();
        }

        if (_sqliteFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteFolder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left for the OS temp cleaner; it holds no shared state.
            }
        }
    }
}
