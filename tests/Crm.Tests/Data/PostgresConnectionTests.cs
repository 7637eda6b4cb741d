using Crm.Web.Data;
using Npgsql;

namespace Crm.Tests.Data;

/// <summary>Pooled PostgreSQL connections skip the reset by default, and an operator's explicit choice wins.</summary>
public sealed class PostgresConnectionTests
{
    [Fact]
    public void Pooled_connections_are_returned_without_a_reset_by_default()
    {
        var built = new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString("Host=db;Database=crm;Username=crm;Password=secret"));
        Assert.True(built.NoResetOnClose);
        Assert.Equal("db", built.Host);
        Assert.Equal("secret", built.Password);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void An_explicit_setting_is_kept(string configured)
    {
        Assert.False(new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString(configured)).NoResetOnClose);
    }
}
