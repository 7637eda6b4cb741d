using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

public sealed record OwnPreferencesInput(string? Language, string? TimeZone);

/// <summary>A person's own language and time zone (empty: the organisation's default). Anyone signed in, for themselves only.</summary>
public sealed class SaveOwnPreferences(CrmDb db, ActivityLog activity)
{
    public async Task<Result<OwnPreferencesInput>> RunAsync(Actor actor, OwnPreferencesInput input, CancellationToken cancellationToken)
    {
        if (actor.UserId is null || actor.IsPreview)
        {
            return Result<OwnPreferencesInput>.Forbidden("Only a signed-in person can change their own preferences.");
        }

        var language = string.IsNullOrWhiteSpace(input.Language) ? null : input.Language.Trim();
        var zone = string.IsNullOrWhiteSpace(input.TimeZone) ? null : input.TimeZone.Trim();
        var errors = new FieldErrors();
        if (language is not null && !Formats.Languages.Contains(language, StringComparer.Ordinal))
        {
            errors.Add("language", $"Language must be one of: {string.Join(", ", Formats.Languages)}, or empty for the organisation's default.");
        }

        if (zone is not null && Formats.FindZone(zone) is null)
        {
            errors.Add("timeZone", "Time zone must be an IANA time zone name, like Europe/Berlin, or empty for the organisation's default.");
        }

        if (errors.Any)
        {
            return Result<OwnPreferencesInput>.Invalid(errors);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.UserId, cancellationToken);
        if (user is null)
        {
            return Result<OwnPreferencesInput>.NotFound();
        }

        if (user.Language != language || user.TimeZone != zone)
        {
            activity.Record(actor, ActivityKinds.SettingsChanged,
                $"Changed their own preferences: language {user.Language ?? "(default)"} → {language ?? "(default)"}; time zone {user.TimeZone ?? "(default)"} → {zone ?? "(default)"}.",
                user.Id);
            user.Language = language;
            user.TimeZone = zone;
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result<OwnPreferencesInput>.Ok(new OwnPreferencesInput(language, zone));
    }
}
