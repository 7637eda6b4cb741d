using Crm.Web.Records;

namespace Crm.Web.Features.CustomFields;

/// <summary>
/// A field definition as an administrator sends it (the form and the API's body). The module and
/// key are fixed once the field exists; <see cref="RequiredApply"/> answers the question a field
/// made required on a module with records asks ("fill" or "new-and-edited").
/// </summary>
public sealed class CustomFieldInput
{
    public string? Module { get; set; }
    public string? Key { get; set; }
    public string? Label { get; set; }
    public string? Type { get; set; }
    public IReadOnlyList<CustomFieldChoice>? Choices { get; set; }
    public bool Required { get; set; }
    public string? RequiredApply { get; set; }
    public string? DefaultValue { get; set; }
    public string? HelpText { get; set; }
    public bool AdminOnly { get; set; }
    public bool ShowOnPdf { get; set; }
    public bool ShowOnPortal { get; set; }
    public bool PersonalData { get; set; }
    public string? Width { get; set; }
    public int? Position { get; set; }
}

/// <summary>A field definition with how many records hold a value of it.</summary>
public sealed record CustomFieldView(
    int Id, string Module, string Key, string Label, string Type, IReadOnlyList<CustomFieldChoice> Choices,
    bool Required, string? RequiredApplied, string? DefaultValue, string? HelpText,
    bool AdminOnly, bool ShowOnPdf, bool ShowOnPortal, bool PersonalData, string Width, int Position, int Values)
{
    public static CustomFieldView Of(CustomField f, int values) => new(
        f.Id, f.Module, f.Key, f.Label, f.Type, f.ChoiceList, f.Required, f.RequiredApplied, f.DefaultValue, f.HelpText,
        f.AdminOnly, f.ShowOnPdf, f.ShowOnPortal, f.PersonalData, f.Width, f.Position, values);
}

/// <summary>The modules custom fields can be added to: every object module the kit reads (<see cref="ReadableModules"/>).</summary>
public static class CustomFieldModules
{
    public static IReadOnlyList<ReadableModule> All => ReadableModules.All;

    public static ReadableModule? Find(string? key) => key is null ? null : ReadableModules.Find(key);
}
