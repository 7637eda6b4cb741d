using Crm.Web.Features.Help;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Security.Permissions
{
    /// <summary>The module this feature registers (see <see cref="Features.ICrmFeature.Modules"/>).</summary>
    public static partial class CrmModules
    {
        public static readonly ModuleDefinition Countries = ModuleDefinition.Standard("countries", "Countries", "Country") with { Order = 100 };
    }
}

namespace Crm.Web.Features.Countries
{
    public sealed class CountriesSetup : ICrmFeature
    {
        public IReadOnlyList<ModuleDefinition> Modules => [CrmModules.Countries];

        public void MapApi(RouteGroupBuilder api) => api.MapCountriesApi();

        public void AddServices(IServiceCollection services)
        {
            services.AddScoped<CountryMatcher>();
            services.AddScoped<ListCountries>();
            services.AddScoped<ReadCountry>();
            services.AddScoped<MatchCountry>();
            services.AddScoped<SaveCountryNames>();
            services.AddScoped<ListCountryMismatches>();
            services.AddScoped<ResolveCountryMismatch>();
            services.AddSection(new Section(
                "Countries",
                "The ISO country list, alternative names, and country values the CRM did not recognise.",
                CountryMatcher.AdministrationLink,
                150,
                u => u.IsAdministrator) { Area = SectionArea.Administration });
            services.AddHelpTopic(new HelpTopic("countries", "Countries",
            [
                "The CRM ships with the ISO 3166-1 list of countries. Wherever a country is given, by a person, through the API or in an import, it is recognised by its name, by any of its alternative names, or by its ISO code (DE, DEU or 276). Upper and lower case, accents, dots and extra spaces do not matter: \"cote d'ivoire\", \"CI\" and \"U.S.A.\" are all recognised.",
                "The shipped list already knows the common short, former and reference-book forms of each country: Brunei, Burma, Swaziland, Czech Republic, Viet Nam, St. Lucia, Congo (Kinshasa), Iran (Islamic Republic of) and the like. Forms written the reference-book way round are read the right way round, so \"Congo, Republic of the\", \"Korea, Republic of\" and \"Gambia, The\" are recognised, and a leading \"The\" does not matter (\"The Bahamas\"). An upgrade adds the forms a new version ships only where no country has that name yet: names you added or changed are never overwritten.",
                "Alternative names are a comma-separated list, for example United States: USA, US, United States of America. Use them for short forms, former names (Republic of Macedonia for North Macedonia) and other languages. You may also put the local-language name in the Name field (Deutschland) and the English one among the alternative names (Germany).",
                "A value that matches no country never stops the work: the country stays empty, the value is kept, and every administrator gets one notification per distinct value. Unrecognised values are listed at the top of the Countries page, most frequent first: add each one as an alternative name of the right country and it is recognised from then on, or dismiss it if it is noise.",
                "A name can belong to one country only, and cannot be another country's ISO code: otherwise one value could mean two countries. The page names the country that already uses it.",
            ], AdministratorsOnly: true));
        }
    }
}
