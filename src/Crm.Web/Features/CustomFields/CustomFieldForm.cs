namespace Crm.Web.Features.CustomFields;

/// <summary>
/// The field form as posted: the choices as two lists of lines (offered, in order, and retired),
/// turned into the use case's input. Its property names are those of <see cref="CustomFieldInput"/>,
/// so the use case's messages land beside their fields.
/// </summary>
public sealed class CustomFieldForm
{
    public string? Module { get; set; }
    public string? Key { get; set; }
    public string? Label { get; set; }
    public string? Type { get; set; }
    public string? Choices { get; set; }
    public string? RetiredChoices { get; set; }
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

    public static CustomFieldForm Of(CustomFieldView f) => new()
    {
        Module = f.Module, Key = f.Key, Label = f.Label, Type = f.Type,
        Choices = string.Join("\n", f.Choices.Where(c => !c.Retired).Select(c => c.Value)),
        RetiredChoices = string.Join("\n", f.Choices.Where(c => c.Retired).Select(c => c.Value)),
        Required = f.Required, RequiredApply = f.RequiredApplied, DefaultValue = f.DefaultValue, HelpText = f.HelpText,
        AdminOnly = f.AdminOnly, ShowOnPdf = f.ShowOnPdf, ShowOnPortal = f.ShowOnPortal, PersonalData = f.PersonalData,
        Width = f.Width, Position = f.Position,
    };

    public CustomFieldInput ToInput() => new()
    {
        Module = Module, Key = Key, Label = Label, Type = Type,
        Choices = [.. Lines(Choices).Select(c => new CustomFieldChoice(c)), .. Lines(RetiredChoices).Select(c => new CustomFieldChoice(c, Retired: true))],
        Required = Required, RequiredApply = RequiredApply, DefaultValue = DefaultValue, HelpText = HelpText,
        AdminOnly = AdminOnly, ShowOnPdf = ShowOnPdf, ShowOnPortal = ShowOnPortal, PersonalData = PersonalData,
        Width = Width, Position = Position,
    };

    private static string[] Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
