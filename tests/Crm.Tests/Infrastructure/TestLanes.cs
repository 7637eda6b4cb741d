namespace Crm.Tests.Infrastructure;

/// <summary>
/// The suite runs once per database provider (test.sh), and a class may say that one run is enough
/// with <c>[Trait(TestLanes.Database, ...)]</c>:
/// <list type="bullet">
/// <item><see cref="None"/>: the class never opens a database (pure rules, formats, the published
/// app on its own SQLite file, the export's memory), so both runs would prove the same thing;
/// test.sh runs it once, beside the integration runs. Mark nothing that goes through <see cref="CrmApp"/>.</item>
/// <item><see cref="PostgresOnly"/>: the class is about the web edge (what a form or a body may
/// hold), and what differs between the providers there is only that PostgreSQL refuses more (a NUL
/// in a text, a text longer than its column), so a value that slipped past the validation fails
/// there and not on SQLite; it runs in the PostgreSQL run only. Nothing whose query or row filter
/// the provider translates belongs here.</item>
/// </list>
/// </summary>
public static class TestLanes
{
    public const string Database = "Database";
    public const string None = "None";
    public const string PostgresOnly = "PostgresOnly";
}
