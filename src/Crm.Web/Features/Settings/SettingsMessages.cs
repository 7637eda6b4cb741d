namespace Crm.Web.Features.Settings;

internal static class SettingsMessages
{
    public const string AdministratorsOnly = "Only administrators can change the settings.";
    public const string NotInPreview = "Settings cannot be changed while previewing as another user.";
}
