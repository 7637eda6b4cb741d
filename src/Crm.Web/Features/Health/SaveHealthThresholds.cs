using Crm.Web.Data;
using Crm.Web.Records;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Health;

/// <summary>One indicator's thresholds as typed: its key, the warning and the critical figure.</summary>
public sealed class HealthThresholdInput
{
    public string? Key { get; set; }
    public decimal? Warning { get; set; }
    public decimal? Critical { get; set; }
}

/// <summary>The body of <c>PUT /api/v1/health/thresholds</c>: the indicators whose thresholds change.</summary>
public sealed record HealthThresholdsInput(IReadOnlyList<HealthThresholdInput>? Thresholds);

/// <summary>
/// Changes indicators' thresholds (administrators): each within its indicator's range, the critical
/// one at or beyond the warning one. All or nothing: one field wrong and nothing is saved. Only the
/// thresholds that differ from those in force are written; the audit trail records each change.
/// </summary>
public sealed class SaveHealthThresholds(CrmDb db, MeasureHealth measure, TimeProvider clock)
{
    public const int MaxIndicators = 100;

    public async Task<Result<int>> RunAsync(Actor actor, IReadOnlyList<HealthThresholdInput>? inputs, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator || actor.TokenScopes is not null)
        {
            return Result<int>.Forbidden("Only administrators change the health thresholds.");
        }

        if (actor.IsPreview)
        {
            return Result<int>.Forbidden(RecordEditing.PreviewRefused);
        }

        if (inputs is null || inputs.Count == 0)
        {
            return Result<int>.Invalid("thresholds", "Give at least one indicator's thresholds.");
        }

        if (inputs.Count > MaxIndicators)
        {
            return Result<int>.Invalid("thresholds", $"Give at most {MaxIndicators} indicators' thresholds at once.");
        }

        var definitions = measure.Definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
        var errors = new FieldErrors();
        var valid = new List<(HealthIndicatorDefinition Definition, double Warning, double Critical)>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i] ?? new HealthThresholdInput();
            var field = $"thresholds[{i}]";
            if (input.Key is null || !definitions.TryGetValue(input.Key, out var definition))
            {
                errors.Add($"{field}.key", "There is no such indicator.");
                continue;
            }

            if (valid.Any(v => v.Definition.Key == definition.Key))
            {
                errors.Add($"{field}.key", $"\"{definition.Title}\" is given twice.");
                continue;
            }

            var warning = Check(errors, $"{field}.warning", "The warning threshold", input.Warning, definition);
            var critical = Check(errors, $"{field}.critical", "The critical threshold", input.Critical, definition);
            if (warning is not { } w || critical is not { } c)
            {
                continue;
            }

            if (definition.Direction == HealthDirection.HigherIsWorse && c < w)
            {
                errors.Add($"{field}.critical", $"The critical threshold must be at or above the warning threshold ({HealthIndicatorRegistration.Number(w)}): the figure gets worse as it rises.");
            }
            else if (definition.Direction == HealthDirection.LowerIsWorse && c > w)
            {
                errors.Add($"{field}.critical", $"The critical threshold must be at or below the warning threshold ({HealthIndicatorRegistration.Number(w)}): the figure gets worse as it falls.");
            }
            else
            {
                valid.Add((definition, w, c));
            }
        }

        if (errors.Any)
        {
            return Result<int>.Invalid(errors);
        }

        var keys = valid.Select(v => v.Definition.Key).ToList();
        var stored = await db.Set<HealthThreshold>().Where(t => keys.Contains(t.Key)).ToDictionaryAsync(t => t.Key, StringComparer.Ordinal, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = 0;
        foreach (var (definition, warning, critical) in valid)
        {
            if (!stored.TryGetValue(definition.Key, out var row))
            {
                if (warning == definition.Warning && critical == definition.Critical)
                {
                    continue;
                }

                row = new HealthThreshold { Key = definition.Key };
                db.Add(row);
            }
            else if (row.Warning == warning && row.Critical == critical)
            {
                continue;
            }

            row.Warning = warning;
            row.Critical = critical;
            row.ChangedAt = now;
            changed++;
        }

        // The changes and their audit entries are committed together by the save.
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(changed);
    }

    private static double? Check(FieldErrors errors, string field, string label, decimal? value, HealthIndicatorDefinition definition)
    {
        if (value is not { } given)
        {
            errors.Add(field, $"{label} is required (a number in {definition.Unit}).");
            return null;
        }

        var figure = (double)given;
        if (figure < definition.Minimum || figure > definition.Maximum)
        {
            errors.Add(field, $"{label} must be between {HealthIndicatorRegistration.Number(definition.Minimum)} and {HealthIndicatorRegistration.Number(definition.Maximum)} {definition.Unit}.");
            return null;
        }

        return Math.Round(figure, 2);
    }
}
