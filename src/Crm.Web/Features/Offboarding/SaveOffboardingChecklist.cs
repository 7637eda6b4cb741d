using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Offboarding;

/// <summary>One external system on the checklist; <see cref="Revoked"/> is the administrator's tick.</summary>
public sealed class ChecklistItemInput
{
    /// <summary>The system, like "Corporate email" or "Cloud drive"; at most 100 characters, unique in the list (case ignored). An empty name is skipped.</summary>
    public string? Name { get; set; }

    /// <summary>True once the leaver's access to the system has been ended.</summary>
    public bool Revoked { get; set; }
}

public sealed class ChecklistInput
{
    /// <summary>The whole checklist, in order (at most 30); a system left out is removed, except corporate email and VPN, which always stay.</summary>
    public List<ChecklistItemInput>? Items { get; set; }
}

/// <summary>
/// Step 5: the external systems whose access the administrator ended by hand. The seed's corporate
/// email and VPN are always on the list (tick them also when they do not apply, so the list says
/// they were considered); others are added by name, and removed by leaving the name empty. Each
/// tick keeps who and when; the step is done when every system is ticked, and undone again if one
/// is unticked. Every change is in the activity log.
/// </summary>
public sealed class SaveOffboardingChecklist(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public const int MaxItems = 30;

    public async Task<Result<IReadOnlyList<OffboardingCheckState>>> RunAsync(Actor actor, Guid userId, ChecklistInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.IsPreview)
        {
            return Result<IReadOnlyList<OffboardingCheckState>>.Forbidden(ReadOffboarding.AdministratorsOnly);
        }

        var leaver = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.FullName, u.Email }).FirstOrDefaultAsync(cancellationToken);
        if (leaver is null)
        {
            return Result<IReadOnlyList<OffboardingCheckState>>.NotFound();
        }

        var errors = new FieldErrors();
        var wanted = new List<(string Name, bool Revoked)>();
        var items = input.Items ?? [];
        if (items.Count > MaxItems)
        {
            errors.Add("items", $"A checklist holds at most {MaxItems} systems.");
        }

        for (var i = 0; i < items.Count && i < MaxItems; i++)
        {
            var name = items[i].Name?.Trim() ?? "";
            var field = $"items[{i}].name";
            if (name.Length == 0)
            {
                continue;
            }

            if (name.Length > OffboardingCheck.NameMaxLength)
            {
                errors.Add(field, $"A system's name is at most {OffboardingCheck.NameMaxLength} characters.");
            }
            else if (name.Any(char.IsControl))
            {
                errors.Add(field, "A system's name cannot contain control characters.");
            }
            else if (wanted.Any(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(field, $"\"{name}\" is already on the checklist.");
            }
            else
            {
                wanted.Add((name, items[i].Revoked));
            }
        }

        if (errors.Any)
        {
            return Result<IReadOnlyList<OffboardingCheckState>>.Invalid(errors);
        }

        foreach (var system in OffboardingCheck.Defaults.Reverse())
        {
            if (!wanted.Any(w => string.Equals(w.Name, system, StringComparison.OrdinalIgnoreCase)))
            {
                wanted.Insert(0, (system, false));
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var checks = db.Set<OffboardingCheck>();
        var existing = await checks.Where(c => c.UserId == userId).ToListAsync(cancellationToken);
        var changes = new List<string>();
        var ordered = new List<OffboardingCheck>();
        for (var position = 0; position < wanted.Count; position++)
        {
            var (name, revoked) = wanted[position];
            var row = existing.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (row is null)
            {
                row = new OffboardingCheck { UserId = userId, Name = name };
                checks.Add(row);
                if (!OffboardingCheck.Defaults.Contains(name))
                {
                    changes.Add($"added {name}");
                }
            }
            else
            {
                existing.Remove(row);
            }

            row.Position = position;
            ordered.Add(row);
            if (row.IsRevoked != revoked)
            {
                row.IsRevoked = revoked;
                row.RevokedAt = revoked ? now : null;
                row.RevokedByName = revoked ? actor.DisplayName[..Math.Min(200, actor.DisplayName.Length)] : null;
                changes.Add(revoked ? $"access ended in {name}" : $"{name} unticked");
            }
        }

        foreach (var gone in existing)
        {
            checks.Remove(gone);
            changes.Add($"removed {gone.Name}");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (wanted.All(w => w.Revoked))
        {
            await OffboardingStep.MarkAsync(db, userId, OffboardingSteps.ExternalSystems, actor,
                $"Access ended in: {string.Join(", ", wanted.Select(w => w.Name))}.", now, cancellationToken);
        }
        else if (await db.Set<OffboardingStep>().FirstOrDefaultAsync(s => s.UserId == userId && s.Step == OffboardingSteps.ExternalSystems, cancellationToken) is { } mark)
        {
            db.Set<OffboardingStep>().Remove(mark);
        }

        if (changes.Count > 0)
        {
            activity.Record(actor, ActivityKinds.Offboarding,
                $"Offboarding {leaver.FullName} <{leaver.Email}>, external systems: {string.Join("; ", changes)}.", userId);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<IReadOnlyList<OffboardingCheckState>>.Ok(
            [.. ordered.Select(c => new OffboardingCheckState(c.Name, c.IsRevoked, c.RevokedAt, c.RevokedByName))]);
    }
}
