using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>
/// Recognises a country given as free text by a user, an integration or an import: by name, any
/// alternative name, or ISO code (alpha-2, alpha-3, numeric), ignoring case, accents, punctuation
/// and spacing (<see cref="CountryNames.Normalize"/>). Names win over alternative names, which win
/// over codes, so an administrator's alternative name is never shadowed by a code.
/// </summary>
/// <remarks>
/// Scoped: the countries are read once per scope (one request, one import), about 250 small rows.
/// An unmatched value is recorded by <see cref="MatchAsync"/> <em>itself</em>, at once, on the
/// caller's connection (inside the caller's transaction if one is open), rather than added to the
/// caller's unit of work: whether a value is new is decided by the database's unique index, so two
/// requests seeing the same new value together cannot make the caller's own save fail, and
/// administrators are notified exactly once. The caller's pending changes are left untouched.
/// </remarks>
public sealed class CountryMatcher(CrmDb db, TimeProvider clock)
{
    public const string AdministrationLink = "/admin/countries";

    private CountryIndex? _index;

    /// <summary>
    /// The country <paramref name="raw"/> names, or null. A value that names no country is
    /// recorded as a mismatch (its occurrences counted) and, the first time it is seen, every
    /// active administrator gets a notification. Blank input is null without a record. Never
    /// throws for odd input. The country returned is not tracked: use its <see cref="Country.Id"/>.
    /// <c>source</c> says where the value came from: one of <see cref="CountrySources"/> (user, api, import).
    /// </summary>
    public async Task<Country?> MatchAsync(string? raw, string source, CancellationToken cancellationToken)
    {
        var key = Key(raw);
        if (key.Length == 0)
        {
            return null;
        }

        var country = (await IndexAsync(cancellationToken)).Find(key, raw!);
        if (country is null)
        {
            await RecordMismatchAsync(raw!, key, CountrySources.Normalize(source), cancellationToken);
        }

        return country;
    }

    /// <summary>Looks a value up without recording anything: for questions, not for incoming data.</summary>
    public async Task<Country?> FindAsync(string? raw, CancellationToken cancellationToken)
    {
        var key = Key(raw);
        return key.Length == 0 ? null : (await IndexAsync(cancellationToken)).Find(key, raw!);
    }

    /// <summary>The sentence shown to administrators (and to API callers) for an unmatched value.</summary>
    public static string Explanation(string value) =>
        $"'{value}' did not match any country. Add it as an alternative name of the right country (Administration › Countries) so it is recognised next time.";

    /// <summary>Forgets the countries read so far, after this scope changed them.</summary>
    internal void Reset() => _index = null;

    /// <summary>The comparison key, bounded like the stored one so a long value cannot match differently than it is recorded.</summary>
    internal static string Key(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return "";
        }

        // Normalizing a 10 MB value is wasted work: no country name is near this long.
        var bounded = raw.Length > 4 * CountryMismatch.ValueMaxLength ? raw[..(4 * CountryMismatch.ValueMaxLength)] : raw;
        var key = CountryNames.Normalize(bounded);
        // Cutting may split a surrogate pair; WellFormed mends the cut so the database can store it.
        return key.Length > CountryMismatch.ValueMaxLength ? CountryNames.WellFormed(key[..CountryMismatch.ValueMaxLength]).TrimEnd() : key;
    }

    /// <summary>The value as it may be stored and shown: one line, no control characters, at most 200 characters.</summary>
    internal static string Displayable(string raw)
    {
        var bounded = raw.Length > 4 * CountryMismatch.ValueMaxLength ? raw[..(4 * CountryMismatch.ValueMaxLength)] : raw;
        var oneLine = string.Join(' ', new string(CountryNames.WellFormed(bounded).Select(c => char.IsControl(c) ? ' ' : c).ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= CountryMismatch.ValueMaxLength ? oneLine : CountryNames.WellFormed(oneLine[..(CountryMismatch.ValueMaxLength - 1)]) + "…";
    }

    private async Task<CountryIndex> IndexAsync(CancellationToken cancellationToken) =>
        _index ??= new CountryIndex(await db.Countries.AsNoTracking().ToListAsync(cancellationToken));

    private async Task RecordMismatchAsync(string raw, string key, string source, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await CountAsync(key, now, cancellationToken) > 0)
        {
            return;
        }

        var value = Displayable(raw);
        // ON CONFLICT DO NOTHING is spelled the same on SQLite and PostgreSQL; the row count says
        // whether this call saw the value first, and only the first one notifies.
        var inserted = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "CountryMismatches" ("RawValue", "NormalizedValue", "Source", "FirstSeenAt", "LastSeenAt", "Occurrences")
            VALUES ({value}, {key}, {source}, {now}, {now}, 1)
            ON CONFLICT ("NormalizedValue") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            await CountAsync(key, now, cancellationToken);
            return;
        }

        var shown = value.Length <= 80 ? value : CountryNames.WellFormed(value[..79]) + "…";
        var title = $"Unrecognised country '{shown}'";
        var body = Explanation(value) + $" It came from {SourceDescription(source)}.";
        var link = AdministrationLink;
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "Notifications" ("UserId", "CreatedAt", "Title", "Body", "Link")
            SELECT "Id", {now}, {title}, {body}, {link} FROM "Users" WHERE "IsAdministrator" AND "IsActive"
            """, cancellationToken);
    }

    private Task<int> CountAsync(string key, DateTime now, CancellationToken cancellationToken) =>
        db.CountryMismatches.Where(m => m.NormalizedValue == key)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Occurrences, m => m.Occurrences + 1).SetProperty(m => m.LastSeenAt, now), cancellationToken);

    private static string SourceDescription(string source) => source switch
    {
        CountrySources.Api => "the API",
        CountrySources.Import => "an import",
        _ => "a user's entry",
    };

    /// <summary>
    /// The normalized names, alternative names and codes of every country, in order of precedence,
    /// then the keys derived from the names (<see cref="CountryNames.DerivedKeys"/>): a value is first
    /// looked up as given, then by its own derived keys, and only then among the derived keys of the
    /// names, so a derived form never shadows what a country is actually called.
    /// </summary>
    private sealed class CountryIndex
    {
        private readonly Dictionary<string, Country> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Country> _alternatives = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Country> _codes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Country> _derived = new(StringComparer.Ordinal);

        public CountryIndex(IEnumerable<Country> countries)
        {
            var ordered = countries.OrderBy(c => c.Id).ToList();
            foreach (var country in ordered)
            {
                _names.TryAdd(CountryNames.Normalize(country.Name), country);
                foreach (var alternative in country.AlternativeNameList)
                {
                    _alternatives.TryAdd(CountryNames.Normalize(alternative), country);
                }

                _codes.TryAdd(CountryNames.Normalize(country.Alpha2), country);
                _codes.TryAdd(CountryNames.Normalize(country.Alpha3), country);
                _codes.TryAdd(country.Numeric, country);
            }

            foreach (var country in ordered)
            {
                foreach (var name in country.AlternativeNameList.Prepend(country.Name))
                {
                    foreach (var derived in CountryNames.DerivedKeys(name))
                    {
                        _derived.TryAdd(derived, country);
                    }
                }
            }
        }

        /// <summary>The country of <paramref name="key"/> (the normalized <paramref name="raw"/>), or null.</summary>
        public Country? Find(string key, string raw)
        {
            if (Direct(key) is { } country)
            {
                return country;
            }

            // "4" and "004" are the same numeric code.
            if (key.Length <= 3 && key.All(char.IsAsciiDigit))
            {
                return _codes.GetValueOrDefault(key.PadLeft(3, '0'));
            }

            // Bounded as the key is: no country name is near this long.
            var derived = CountryNames.DerivedKeys(raw.Length > 4 * CountryMismatch.ValueMaxLength ? raw[..(4 * CountryMismatch.ValueMaxLength)] : raw);
            foreach (var form in derived)
            {
                if (Direct(form) is { } named)
                {
                    return named;
                }
            }

            foreach (var form in derived.Prepend(key))
            {
                if (_derived.TryGetValue(form, out country))
                {
                    return country;
                }
            }

            return null;
        }

        private Country? Direct(string key) =>
            _names.TryGetValue(key, out var country) || _alternatives.TryGetValue(key, out country) || _codes.TryGetValue(key, out country) ? country : null;
    }
}
