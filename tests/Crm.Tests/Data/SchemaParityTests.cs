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
        using var migratedDatabase = new TestDatabase();
        using var modelDatabase = new TestDatabase();
        await using var migrated = DatabaseSchema.Open(migratedDatabase.ConnectionString);
        await using var model = DatabaseSchema.Open(modelDatabase.ConnectionString);

        await migrated.Database.MigrateAsync();
        await model.Database.EnsureCreatedAsync();

        var migratedSchema = await DatabaseSchema.ReadAsync(migrated);
        var modelSchema = await DatabaseSchema.ReadAsync(model);

        Assert.NotEmpty(modelSchema);
        Assert.Empty(DatabaseSchema.Differences(migratedSchema, modelSchema));
    }

    [Fact]
    public async Task The_comparison_catches_a_column_missing_from_the_migrations()
    {
        using var migratedDatabase = new TestDatabase();
        using var modelDatabase = new TestDatabase();
        await using var migrated = DatabaseSchema.Open(migratedDatabase.ConnectionString);
        await using var model = DatabaseSchema.Open(modelDatabase.ConnectionString);
        await migrated.Database.MigrateAsync();
        await model.Database.EnsureCreatedAsync();

        // As if a migration had forgotten a column.
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" DROP COLUMN "UserAgent" """);

        var differences = DatabaseSchema.Differences(await DatabaseSchema.ReadAsync(migrated), await DatabaseSchema.ReadAsync(model));
        Assert.Contains(differences, d => d.StartsWith("missing from migrations: column UserSessions.UserAgent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_comparison_catches_a_missing_index_and_a_wrong_nullability()
    {
        using var migratedDatabase = new TestDatabase();
        using var modelDatabase = new TestDatabase();
        await using var migrated = DatabaseSchema.Open(migratedDatabase.ConnectionString);
        await using var model = DatabaseSchema.Open(modelDatabase.ConnectionString);
        await migrated.Database.MigrateAsync();
        await model.Database.EnsureCreatedAsync();

        await migrated.Database.ExecuteSqlRawAsync("""DROP INDEX "IX_UserSessions_UserId" """);
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" DROP COLUMN "IpAddress" """);
        await migrated.Database.ExecuteSqlRawAsync("""ALTER TABLE "UserSessions" ADD COLUMN "IpAddress" TEXT NOT NULL DEFAULT '' """);

        var differences = DatabaseSchema.Differences(await DatabaseSchema.ReadAsync(migrated), await DatabaseSchema.ReadAsync(model));
        Assert.Contains(differences, d => d.Contains("IX_UserSessions_UserId", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("not in the model: column UserSessions.IpAddress", StringComparison.Ordinal));
    }
}
