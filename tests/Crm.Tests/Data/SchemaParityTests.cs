using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Data;

/// <summary>
/// Migrations are written by hand (no Design package here), so this is what keeps them honest:
/// the schema the migrations build must be exactly the schema the model describes.
/// </summary>
public sealed class SchemaParityTests
{
    [Fact]
    public async Task Migrations_build_exactly_the_schema_of_the_model()
    {
        await using var pair = await DatabasePair.CreateAsync();

        var migratedSchema = await DatabaseSchema.ReadAsync(pair.Migrated);
        var modelSchema = await DatabaseSchema.ReadAsync(pair.Model);

        Assert.NotEmpty(modelSchema);
        Assert.Empty(DatabaseSchema.Differences(migratedSchema, modelSchema));
    }

    [Fact]
    public async Task The_comparison_catches_a_column_missing_from_the_migrations()
    {
        await using var pair = await DatabasePair.CreateAsync();
        var migrated = pair.Migrated;
        var model = pair.Model;

        // As if a migration had forgotten a column.
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" DROP COLUMN "UserAgent" """);

        var differences = DatabaseSchema.Differences(await DatabaseSchema.ReadAsync(migrated), await DatabaseSchema.ReadAsync(model));
        Assert.Contains(differences, d => d.StartsWith("missing from migrations: column UserSessions.UserAgent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_comparison_catches_a_missing_index_and_a_wrong_nullability()
    {
        await using var pair = await DatabasePair.CreateAsync();
        var migrated = pair.Migrated;
        var model = pair.Model;

        await migrated.Database.ExecuteSqlRawAsync("""DROP INDEX "IX_UserSessions_UserId" """);
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" DROP COLUMN "IpAddress" """);
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" ADD COLUMN "IpAddress" TEXT NOT NULL DEFAULT '' """);

        var differences = DatabaseSchema.Differences(await DatabaseSchema.ReadAsync(migrated), await DatabaseSchema.ReadAsync(model));
        Assert.Contains(differences, d => d.Contains("IX_UserSessions_UserId", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("not in the model: column UserSessions.IpAddress", StringComparison.Ordinal));
    }

    /// <summary>Two empty databases on the provider under test: one built by the migrations, one by the model.</summary>
    private sealed class DatabasePair : IAsyncDisposable
    {
        private readonly TestDatabase _migratedDatabase = TestDatabase.Empty();
        private readonly TestDatabase _modelDatabase = TestDatabase.Empty();

        private DatabasePair()
        {
            Migrated = DatabaseSchema.Open(_migratedDatabase.ConnectionString);
            Model = DatabaseSchema.Open(_modelDatabase.ConnectionString);
        }

        public Crm.Web.Data.CrmDb Migrated { get; }
        public Crm.Web.Data.CrmDb Model { get; }

        public static async Task<DatabasePair> CreateAsync()
        {
            var pair = new DatabasePair();
            await pair.Migrated.Database.MigrateAsync();
            await pair.Model.Database.EnsureCreatedAsync();
            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            await Migrated.DisposeAsync();
            await Model.DisposeAsync();
            _migratedDatabase.Dispose();
            _modelDatabase.Dispose();
        }
    }
}
