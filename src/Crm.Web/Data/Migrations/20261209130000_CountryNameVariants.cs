using System.Globalization;
using System.Text;
using Crm.Web.Features.Countries;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Crm.Web.Data.Migrations;

/// <summary>
/// The country name variants of issue 26 (ADR 0037) for installations seeded before them: each
/// variant is added to its country's alternative names only when no country, this one included,
/// already has that name (as its name or an alternative name), so an administrator's edits are
/// never overwritten and no value comes to name two countries. A new installation is seeded from
/// the shipped file after the migrations (its table is still empty here, so this adds nothing).
/// </summary>
/// <remarks>
/// The list is frozen here, not read from the shipped file, so the migration does the same thing
/// whenever it runs. Names are compared as the matcher compares them as far as plain SQL can on both
/// databases: case, dots, apostrophes, hyphens, brackets, slashes, "&amp;" and repeated spaces do
/// not count; accents do (SQLite's lower() knows ASCII only), which at worst adds an accented
/// country's unaccented spelling to that same country, never to another.
/// </remarks>
[DbContext(typeof(CrmDb))]
[Migration("20261209130000_CountryNameVariants")]
public sealed class CountryNameVariants : Migration
{
    /// <summary>alpha-2, tab, the name to add; one a line.</summary>
    private const string Variants = """
        AE	Emirates
        AE	The Emirates
        AF	Islamic Emirate of Afghanistan
        AG	Antigua
        AL	Shqipëria
        AM	Hayastan
        AR	Argentine
        AR	The Argentine
        AR	Argentina Republic
        AU	Commonwealth of Australia
        AX	Aland
        BA	Bosnia
        BA	Bosnia-Herzegovina
        BE	Belgique
        BE	België
        BF	Upper Volta
        BJ	Dahomey
        BL	St. Barthélemy
        BL	St. Barts
        BL	Saint Barts
        BL	St. Barths
        BM	Bermuda Islands
        BN	Brunei
        BN	State of Brunei Darussalam
        BN	Nation of Brunei
        BQ	Caribbean Netherlands
        BQ	Bonaire
        BQ	BES Islands
        BS	The Bahamas
        BS	Bahama Islands
        BS	Bahamas Islands
        BW	Bechuanaland
        BY	Byelorussia
        BY	Belorussia
        BY	Byelorussian SSR
        BZ	British Honduras
        CC	Cocos Islands
        CC	Keeling Islands
        CD	Democratic Republic of the Congo
        CD	Congo (Democratic Republic of the)
        CD	DROC
        CD	Zaire
        CD	Congo DR
        CD	DR of the Congo
        CD	Congo (DRC)
        CG	Congo (Republic of the)
        CG	Congo Republic
        CG	Republic of Congo
        CH	Confoederatio Helvetica
        CI	Cote dIvoire
        CI	Côte d'Ivoire (Ivory Coast)
        CN	Mainland China
        CN	People's Republic of China (PRC)
        CV	Cape Verde Islands
        CV	Cabo Verde Islands
        CZ	Czech
        CZ	Česko
        CZ	Česká republika
        DE	West Germany
        DE	BRD
        DJ	French Somaliland
        DO	Dominican Rep.
        DO	Rep. Dominicana
        DO	República Dominicana
        EE	Eesti
        EH	Sahrawi Arab Democratic Republic
        ER	State of Eritrea
        ET	Abyssinia
        FJ	Fiji Islands
        FK	Falkland Islands
        FK	Falklands
        FK	Malvinas
        FK	Islas Malvinas
        FK	Falkland Islands (Islas Malvinas)
        FO	Faroes
        FO	Faeroe Islands
        FO	Faroe
        GB	Great Britain and Northern Ireland
        GE	Sakartvelo
        GF	Guyane
        GG	Bailiwick of Guernsey
        GL	Kalaallit Nunaat
        GM	The Gambia
        GN	Guinea-Conakry
        GN	French Guinea
        GQ	Spanish Guinea
        GR	Hellas
        GR	Ellada
        GS	South Georgia
        GS	South Sandwich Islands
        GS	South Georgia & South Sandwich Islands
        GW	Portuguese Guinea
        GY	British Guiana
        HK	Hong Kong SAR
        HK	Hong Kong SAR China
        HK	Hongkong
        HK	Hong Kong China
        HM	Heard & McDonald Islands
        HR	Hrvatska
        HU	Magyarország
        IE	Republic of Ireland
        IE	Éire
        IE	Ireland (Republic)
        IN	Bharat
        IO	Chagos Islands
        IO	Chagos Archipelago
        IO	BIOT
        IR	Persia
        JE	Bailiwick of Jersey
        JP	Nippon
        JP	Nihon
        KG	Kirghizia
        KG	Kirgizia
        KG	Kyrgyz
        KH	Kampuchea
        KH	Khmer Republic
        KI	Gilbert Islands
        KM	Comoro Islands
        KN	St. Kitts and Nevis
        KN	Saint Kitts
        KN	St. Kitts
        KN	Saint Christopher and Nevis
        KN	Federation of Saint Kitts and Nevis
        KP	DPRK
        KP	Korea DPR
        KP	North Korea (DPRK)
        KR	Korea (South)
        KR	ROK
        KY	Caymans
        KY	Cayman
        LA	Lao PDR
        LA	Lao People's Democratic Republic (Laos)
        LC	St. Lucia
        LC	Saint Lucia Island
        LK	Ceylon
        LS	Basutoland
        LT	Lietuva
        LV	Latvija
        LY	Libyan Arab Jamahiriya
        LY	State of Libya
        LY	Libyan Arab Republic
        MD	Moldavia
        MD	Republic of Moldova (the)
        ME	Crna Gora
        MF	St. Martin
        MF	Saint Martin
        MF	St. Martin (French part)
        MG	Malagasy Republic
        MH	Marshall Is.
        MK	Macedonia (FYROM)
        MK	FYROM
        MK	Former Yugoslav Republic of Macedonia
        MK	The former Yugoslav Republic of Macedonia
        MK	North Macedonia (Republic of)
        ML	French Sudan
        MM	Myanmar (Burma)
        MM	Burma (Myanmar)
        MM	Union of Burma
        MO	Macau
        MO	Macao SAR
        MO	Macao SAR China
        MO	Macau SAR
        MP	Northern Marianas
        MV	Maldive Islands
        MW	Nyasaland
        MX	Estados Unidos Mexicanos
        NA	South West Africa
        NC	Nouvelle-Calédonie
        NL	Netherlands (Kingdom of the)
        NL	Nederlanden
        NZ	Aotearoa
        NZ	Aotearoa New Zealand
        PF	Polynésie française
        PF	Tahiti
        PH	Pilipinas
        PM	St. Pierre and Miquelon
        PM	Saint-Pierre-et-Miquelon
        PN	Pitcairn Islands
        PN	Pitcairn Henderson Ducie and Oeno Islands
        PR	Commonwealth of Puerto Rico
        PR	Porto Rico
        PS	Palestinian Territories
        PS	Palestinian Territory
        PS	Occupied Palestinian Territory
        PS	Palestinian Authority
        PS	State of Palestine
        PW	Belau
        RE	La Réunion
        RO	Roumania
        RO	Rumania
        RS	Srbija
        RU	Russia (Russian Federation)
        RU	Rossiya
        RU	Rossiia
        RW	Republic of Rwanda
        SA	KSA
        SB	British Solomon Islands
        SB	Solomons
        SD	North Sudan
        SD	Republic of Sudan
        SH	St. Helena
        SH	Saint Helena
        SH	St. Helena Ascension and Tristan da Cunha
        SI	Slovenija
        SJ	Svalbard
        SJ	Jan Mayen
        SK	Slovensko
        SO	Somali Republic
        SR	Surinam
        SR	Dutch Guiana
        ST	Sao Tome
        SX	Sint Maarten
        SX	St. Maarten
        SX	Saint Maarten
        SY	Syrian Arab Rep.
        SZ	Kingdom of Swaziland
        TC	Turks and Caicos
        TF	French Southern and Antarctic Lands
        TF	French Southern Lands
        TF	TAAF
        TG	Togoland
        TH	Siam
        TL	East Timor
        TL	Timor-Leste (East Timor)
        TM	Turkmenia
        TR	Turkey (Türkiye)
        TR	Türkiye (Turkey)
        TT	Trinidad
        TV	Ellice Islands
        TW	Republic of China
        TW	Taiwan (Republic of China)
        TW	Chinese Taipei
        TW	Taiwan ROC
        UA	The Ukraine
        UM	U.S. Outlying Islands
        UM	US Minor Outlying Islands
        UM	United States Minor Islands
        VA	Vatican City State
        VA	Holy See
        VA	Vatican City State (Holy See)
        VA	Holy See (Vatican City)
        VC	St. Vincent and the Grenadines
        VC	St. Vincent & Grenadines
        VC	Saint Vincent
        VC	St. Vincent
        VG	BVI
        VG	British Virgin Is.
        VI	USVI
        VI	United States Virgin Islands
        VI	American Virgin Islands
        VN	Socialist Republic of Vietnam
        VU	New Hebrides
        WF	Wallis and Futuna Islands
        WS	Western Samoa
        ZA	RSA
        ZM	Northern Rhodesia
        ZW	Southern Rhodesia
        ZW	Rhodesia
        """;

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var sql = new StringBuilder();
        foreach (var line in Variants.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (alpha2, name) = (line[..2], line[3..]);
            var key = CountryNames.Normalize(name);
            sql.AppendLine(CultureInfo.InvariantCulture, $"""
                UPDATE "Countries" SET "AlternativeNames" = CASE WHEN "AlternativeNames" = '' THEN {Literal(name)} ELSE "AlternativeNames" || ', ' || {Literal(name)} END
                WHERE "Alpha2" = {Literal(alpha2)}
                  AND length("AlternativeNames") + {name.Length + 2} <= {Country.AlternativeNamesMaxLength}
                  AND NOT EXISTS (SELECT 1 FROM "Countries" AS other
                                  WHERE {Comparable("other.\"Name\"", keepCommas: false)} = {Literal("," + key + ",")}
                                     OR {Comparable("other.\"AlternativeNames\"", keepCommas: true)} LIKE {Literal("%," + key + ",%")});
                """);
        }

        migrationBuilder.Sql(sql.ToString());
    }

    /// <summary>The names of a column as the matcher's keys, each between commas: ",republic of the congo,congo brazzaville,".</summary>
    private static string Comparable(string column, bool keepCommas)
    {
        var text = $"lower({column})";
        text = $"replace({text}, '.', '')";
        foreach (var separator in new[] { "'", "’", "-", "(", ")", "/", "&" })
        {
            text = $"replace({text}, {Literal(separator)}, {(separator == "&" ? "' and '" : "' '")})";
        }

        if (!keepCommas)
        {
            text = $"replace({text}, ',', ' ')";
        }

        text = $"',' || {text} || ','";
        for (var i = 0; i < 4; i++)
        {
            text = $"replace({text}, '  ', ' ')";
        }

        return $"replace(replace({text}, ' ,', ','), ', ', ',')";
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // Nothing in the schema changed, and once added the names are the administrators' like any
        // other: taking them away could silently break the matching of data entered since.
    }
}
