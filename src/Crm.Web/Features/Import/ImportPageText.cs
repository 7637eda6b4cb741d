namespace Crm.Web.Features.Import;

/// <summary>How the import pages word a status and colour its badge.</summary>
public static class ImportPageText
{
    public static string StatusOf(string status) => status switch
    {
        ImportStatuses.Mapping => "Mapping the columns",
        ImportStatuses.Checking => "Checking",
        ImportStatuses.Checked => "Checked",
        ImportStatuses.Importing => "Importing",
        ImportStatuses.Imported => "Imported",
        ImportStatuses.Failed => "Not imported",
        ImportStatuses.Cancelled => "Cancelled",
        ImportStatuses.Undoing => "Undoing",
        ImportStatuses.Undone => "Undone",
        _ => status,
    };

    public static string BadgeOf(string status) => status switch
    {
        ImportStatuses.Imported => "success",
        ImportStatuses.Failed => "danger",
        ImportStatuses.Checked => "info",
        ImportStatuses.Undone or ImportStatuses.Cancelled => "secondary",
        _ => "warning",
    };

    public static string ModeOf(string mode) => mode switch
    {
        ImportModes.Create => "Create only",
        ImportModes.Update => "Update only",
        ImportModes.CreateOrUpdate => "Create or update",
        _ => mode,
    };

    public static string OutcomeOf(string outcome) => outcome switch
    {
        ImportRowOutcomes.Create => "Create",
        ImportRowOutcomes.Update => "Update",
        ImportRowOutcomes.Unchanged => "Unchanged",
        ImportRowOutcomes.Error => "Refused",
        _ => outcome,
    };
}
