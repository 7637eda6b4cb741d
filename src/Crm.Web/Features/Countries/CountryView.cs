namespace Crm.Web.Features.Countries;

/// <summary>A country as pages and the API show it.</summary>
public sealed record CountryView(int Id, string Name, string Alpha2, string Alpha3, string Numeric, IReadOnlyList<string> AlternativeNames)
{
    public static CountryView Of(Country country) =>
        new(country.Id, country.Name, country.Alpha2, country.Alpha3, country.Numeric, country.AlternativeNameList);
}

internal static class CountryMessages
{
    public const string AdministratorsOnly = "Only administrators change countries.";
    public const string NotInPreview = "Nothing can be changed while previewing the CRM as another user.";
    public const string ActivityKind = "country-changed";
}
