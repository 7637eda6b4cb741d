namespace Crm.Web.Operations;

/// <summary>
/// Where first-run messages meant for the operator's eyes only go (the temporary administrator
/// password): the process console, never the structured log. Tests substitute a writer.
/// </summary>
public sealed class OperatorConsole(TextWriter writer)
{
    public TextWriter Out { get; } = writer;
}
