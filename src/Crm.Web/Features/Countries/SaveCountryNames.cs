using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Countries;

/// <summary>
/// Changes a country's name and alternative names. Every name (main or alternative) must belong to
/// one country only and must not be another country's ISO code, otherwise a value could match two
/// countries. Unresolved mismatches that the new names now match are marked resolved.
/// </summary>
public sealed class SaveCountryNames(CrmDb db, ActivityLog activity, CountryMatcher matcher, TimeProvider clock)
{
    public const int AlternativeNameMaxLength = Country.NameMaxLength;

    /// <summary>
    /// Sets the name (null keeps it: the API changes alternative names only) and replaces all
    /// alternative names; each entry may itself be a comma-separated list, as the form sends it.
    /// </summary>
    public async Task<Result<CountryView>> RunAsync(Actor actor, int id, string? name, IReadOnlyList<string?> alternativeNames, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<CountryView>.Forbidden(CountryMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<CountryView>.Forbidden(CountryMessages.NotInPreview);
        }

        var country = await db.Countries.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (country is null)
        {
            return Result<CountryView>.NotFound();
        }

        var newName = name is null ? country.Name : string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var others = await db.Countries.AsNoTracking().Where(c => c.Id != id).ToListAsync(cancellationToken);
        var errors = Validate(others, newName, alternativeNames, out var alternatives);
        if (errors.Any)
        {
            return Result<CountryView>.Invalid(errors);
        }

        var joined = CountryNames.Join(alternatives);
        if (string.Equals(country.Name, newName, StringComparison.Ordinal) && string.Equals(country.AlternativeNames, joined, StringComparison.Ordinal))
        {
            return Result<CountryView>.Ok(CountryView.Of(country));
        }

        var changes = new List<string>();
        if (!string.Equals(country.Name, newName, StringComparison.Ordinal))
        {
            changes.Add($"name '{country.Name}' → '{newName}'");
        }

        if (!string.Equals(country.AlternativeNames, joined, StringComparison.Ordinal))
        {
            changes.Add($"alternative names '{country.AlternativeNames}' → '{joined}'");
        }

        activity.Record(actor, CountryMessages.ActivityKind, $"Changed country {country.Alpha2} '{country.Name}': {string.Join("; ", changes)}.");
        country.Name = newName;
        country.AlternativeNames = joined;

        // Values seen before that these names now recognise no longer need the administrator.
        var keys = new[] { newName }.Concat(alternatives).Select(CountryNames.Normalize).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var mismatch in await db.CountryMismatches.Where(m => m.ResolvedAt == null && keys.Contains(m.NormalizedValue)).ToListAsync(cancellationToken))
        {
            mismatch.ResolvedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another administrator may have given the same name to another country meanwhile:
            // answer as the check would have, and let anything else surface.
            db.ChangeTracker.Clear();
            var retry = Validate(await db.Countries.AsNoTracking().Where(c => c.Id != id).ToListAsync(cancellationToken), newName, alternativeNames, out _);
            if (retry.Any)
            {
                return Result<CountryView>.Invalid(retry);
            }

            throw;
        }

        matcher.Reset();
        return Result<CountryView>.Ok(CountryView.Of(country));
    }

    private static FieldErrors Validate(IReadOnlyList<Country> others, string name, IReadOnlyList<string?> given, out List<string> alternatives)
    {
        var errors = new FieldErrors()
            .Text("name", "Name", name, Country.NameMaxLength)
            .PlainText("name", "Name", name);
        if (!errors.Any && CountryNames.Normalize(name).Length == 0)
        {
            errors.Add("name", "Name must contain letters.");
        }

        alternatives = [];
        var seen = new HashSet<string>(StringComparer.Ordinal) { CountryNames.Normalize(name) };
        foreach (var raw in given)
        {
            // Each entry may itself be a comma-separated list, as typed in the form.
            foreach (var alternative in raw is null ? [] : raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var oneSpaced = string.Join(' ', alternative.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                var before = errors.Any;
                errors.Text("alternativeNames", $"Alternative name '{Shorten(oneSpaced)}'", oneSpaced, AlternativeNameMaxLength)
                    .PlainText("alternativeNames", "Alternative names", oneSpaced);
                var key = CountryNames.Normalize(oneSpaced);
                if (errors.Any != before || key.Length == 0 || !seen.Add(key))
                {
                    continue;
                }

                alternatives.Add(oneSpaced);
            }
        }

        if (!errors.Any && CountryNames.Join(alternatives).Length > Country.AlternativeNamesMaxLength)
        {
            errors.Add("alternativeNames", $"Alternative names must be at most {Country.AlternativeNamesMaxLength} characters in all.");
        }

        if (errors.Any)
        {
            return errors;
        }

        var owners = new Dictionary<string, (Country Country, string What)>(StringComparer.Ordinal);
        foreach (var other in others)
        {
            owners.TryAdd(CountryNames.Normalize(other.Name), (other, "the name"));
            foreach (var alternative in other.AlternativeNameList)
            {
                owners.TryAdd(CountryNames.Normalize(alternative), (other, "an alternative name"));
            }

            owners.TryAdd(CountryNames.Normalize(other.Alpha2), (other, "the ISO code"));
            owners.TryAdd(CountryNames.Normalize(other.Alpha3), (other, "the ISO code"));
            owners.TryAdd(other.Numeric, (other, "the ISO numeric code"));
        }

        if (owners.TryGetValue(CountryNames.Normalize(name), out var nameOwner))
        {
            errors.Add("name", $"'{name}' is already {nameOwner.What} of {nameOwner.Country.Name}. A name can belong to one country only.");
        }

        foreach (var alternative in alternatives)
        {
            if (owners.TryGetValue(CountryNames.Normalize(alternative), out var owner))
            {
                errors.Add("alternativeNames",
                    $"'{alternative}' is already {owner.What} of {owner.Country.Name}. A name can belong to one country only: remove it there first if it belongs here.");
            }
        }

        return errors;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..39] + "…";
}
