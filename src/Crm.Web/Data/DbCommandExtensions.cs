using System.Data.Common;

namespace Crm.Web.Data;

/// <summary>For the few statements written by hand (ADR 0011), on whichever provider the command comes from.</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds a named parameter; the provider infers its type from the value.</summary>
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
