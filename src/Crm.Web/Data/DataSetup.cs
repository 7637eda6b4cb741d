using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DataSetup
{
    public const string DefaultSqliteFile = "data/crm.db";

    /// <summary>
    /// Registers <see cref="CrmDb"/> on the configured provider: SQLite (default, a file under
    /// <c>data/</c>) or PostgreSQL (<c>Database:Provider=Postgres</c>, <c>ConnectionStrings:Crm</c>).
    /// </summary>
    public static IServiceCollection AddCrmData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString("Crm");

        switch (provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is Postgres but ConnectionStrings:Crm is empty. " +
                        "Set it, e.g. ConnectionStrings__Crm=\"Host=localhost;Database=crm;Username=crm;Password=...\".");
                }

                services.AddDbContext<CrmDb>(o => Common(o)
                    .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__migrations")));
                break;

            default:
                var sqlite = SqliteConnectionString(connectionString, environment.ContentRootPath);
                services.AddDbContext<CrmDb>(o => Common(o)
                    .UseSqlite(sqlite, s => s.MigrationsHistoryTable("__migrations"))
                    .AddInterceptors(new SqliteConnectionPragmas()));
                break;
        }

        services.AddSingleton(new DatabaseInfo(provider));
        services.AddDataProtection().SetApplicationName("Crm");
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<DatabaseXmlRepository>((o, repository) => o.XmlRepository = repository);
        return services;
    }

    private static DbContextOptionsBuilder Common(DbContextOptionsBuilder options) => options
        // Migrations are written by hand, without a model snapshot (the Design package cannot be
        // restored here): the schema-parity test is what proves migrations and model agree.
        .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));

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

    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultSqliteFile}" : configured);
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

    /// <summary>WAL lets readers and a writer work at once; the busy timeout makes writers wait instead of failing.</summary>
    private sealed class SqliteConnectionPragmas : DbConnectionInterceptor
    {
        private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

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
    }
}

public sealed record DatabaseInfo(DatabaseProvider Provider);
