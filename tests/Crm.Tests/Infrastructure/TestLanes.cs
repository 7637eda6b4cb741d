namespace Crm.Tests.Infrastructure;

/// <summary>
/// The suite runs once per database provider (test.sh). A class that never opens a database
/// (pure rules, formats, the published app on its own SQLite file, the export's memory) proves the
/// same thing in both runs, so it carries <c>[Trait(TestLanes.Database, TestLanes.None)]</c> and
/// test.sh leaves it out of the PostgreSQL run. Mark nothing that goes through <see cref="CrmApp"/>.
/// </summary>
public static class TestLanes
{
    public const string Database = "Database";
    public const string None = "None";
}
