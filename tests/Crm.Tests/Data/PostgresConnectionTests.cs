using Crm.Web.Data;
using Npgsql;

namespace Crm.Tests.Data;

/// <summary>
/// Pooled PostgreSQL connections skip the reset and prepare repeated statements by default, and an
/// operator's explicit choice wins.
/// </summary>
public sealed class PostgresConnectionTests
{
    [Fact]
    public void Pooled_connections_are_returned_without_a_reset_by_default()
    {
        var built = new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString("Host=db;Database=crm;Username=crm;Password=secret"));
        Assert.True(built.NoResetOnClose);
        Assert.Equal(DataSetup.AutoPrepared, built.MaxAutoPrepare);
        Assert.Equal("db", built.Host);
        Assert.Equal("secret", built.Password);
    }

    [Fact]
    public void A_value_naming_a_setting_does_not_count_as_setting_it()
    {
        var built = new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString("Host=db;Password=MaxAutoPrepare NoResetOnClose"));
        Assert.True(built.NoResetOnClose);
        Assert.Equal(DataSetup.AutoPrepared, built.MaxAutoPrepare);
        Assert.Equal("MaxAutoPrepare NoResetOnClose", built.Password);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void An_explicit_setting_is_kept(string configured)
    {
        Assert.False(new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString(configured)).NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0")]
    public void Preparing_can_be_turned_off(string configured)
    {
        var built = new NpgsqlConnectionStringBuilder(DataSetup.PostgresConnectionString(configured));
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
    }
}
