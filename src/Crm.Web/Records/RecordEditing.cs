using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Records;

/// <summary>
/// What a module decided about one action on one record: hidden (the caller learns nothing, a 404),
/// allowed, or refused (a 403, with the module's own sentence when it has one, e.g. a reviewed memo).
/// </summary>
public sealed record RecordDecision(bool Visible, bool Allowed, string? Refusal = null)
{
    public static readonly RecordDecision Hidden = new(false, false);

    /// <summary>From a module's rights object (null: not visible), the answer for one action.</summary>
    public static RecordDecision Of<TRights>(TRights? rights, Func<TRights, bool> allowed, string? refusal = null)
        where TRights : class =>
        rights is null ? Hidden : new RecordDecision(true, allowed(rights), refusal);
}

/// <summary>
/// How a module decides an action on one of its records; modules whose rights are the engine's on
/// owner, department and shares need none (see <see cref="RecordEditing.EngineDecisionAsync{T}"/>).
/// </summary>
public delegate Task<RecordDecision> RecordRights<in T>(Actor actor, T record, string action, CancellationToken cancellationToken);

/// <summary>
/// What the "open for edit" step needs to know of a module: its permission module, how messages
/// name one record (<paramref name="Noun"/>: "You may not edit deal 12."), the refusal of a create
/// without the right; the conflict message of a save from an older version follows from the noun.
/// </summary>
public sealed record RecordEditRules<T>(string Module, string Noun, string CreateRefused)
    where T : OwnedRecord
{
    public string ChangedBySomeoneElse => RecordEditRules.ChangedBySomeoneElse(Noun);

    /// <summary>What to load with the record (e.g. a task's responsible users); the record is tracked.</summary>
    public Func<IQueryable<T>, IQueryable<T>>? Load { get; init; }

    /// <summary>The module's own rights (tasks, memos, files); null: the engine decides on the record's facts.</summary>
    public RecordRights<T>? Rights { get; init; }

    /// <summary>A refusal of the module's own after the rights and before the version (a converted lead, an incoming email).</summary>
    public Func<T, Result<T>?>? Refuse { get; init; }
}

/// <summary>The record a save opened: null when the save adds a new one.</summary>
public sealed record OpenedRecord<T>(T? Record)
    where T : class
{
    /// <summary>The fields the save takes from its input: all of them for a new record.</summary>
    public FieldPicks<TFields> Picks<TFields>(TFields sent)
        where TFields : struct, Enum => new(sent, Record is null);
}

/// <summary>
/// The first step of every save and delete of a CRM object, in the order the modules always had:
/// nothing changes while previewing (403); a record that does not exist or that the actor may not
/// view is a 404, one they may view but not change a 403 ("You may not edit deal 12."); an edit
/// must quote the version it read (a missing one is a field error, an older one a 409). A new record
/// needs the create right instead.
/// </summary>
public static class RecordEditRules
{
    /// <summary>The 409 of a save (or review, or conversion) from an older version, the same sentence for every object.</summary>
    public static string ChangedBySomeoneElse(string noun) =>
        $"This {noun} was changed by someone else after you opened it. Reload it to see their changes, then make yours again.";
}

public sealed class RecordEditing(CrmDb db, RecordAccess access)
{
    public const string PreviewRefused = "Nothing can be changed while previewing as another user.";

    /// <summary>Opens record <paramref name="id"/> for an edit made from <paramref name="versionRead"/>, or checks a create (id null).</summary>
    public async Task<Result<OpenedRecord<T>>> OpenAsync<T>(RecordEditRules<T> rules, Actor actor, int? id, int? versionRead, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        if (actor.IsPreview)
        {
            return Result<OpenedRecord<T>>.Forbidden(PreviewRefused);
        }

        if (id is not { } existing)
        {
            return (await access.DecideAsync(actor, rules.Module, PermissionAction.Create, null, cancellationToken)).Allowed
                ? Result<OpenedRecord<T>>.Ok(new OpenedRecord<T>(null))
                : Result<OpenedRecord<T>>.Forbidden(rules.CreateRefused);
        }

        var query = rules.Load is null ? db.Set<T>() : rules.Load(db.Set<T>());
        var record = await query.FirstOrDefaultAsync(r => r.Id == existing, cancellationToken);
        if (record is null)
        {
            return Result<OpenedRecord<T>>.NotFound();
        }

        var decision = await DecideAsync(rules.Module, rules.Rights, actor, record, PermissionAction.Edit, cancellationToken);
        if (Refusal<OpenedRecord<T>>(decision, "edit", rules.Noun, record.Id) is { } refused)
        {
            return refused;
        }

        if (rules.Refuse?.Invoke(record) is { } own)
        {
            return own.Map<OpenedRecord<T>>();
        }

        return record.RefuseVersion<OpenedRecord<T>>(versionRead, rules.ChangedBySomeoneElse) ?? Result<OpenedRecord<T>>.Ok(new OpenedRecord<T>(record));
    }

    /// <summary>
    /// Whether the actor may delete <paramref name="record"/> (null: it does not exist): a 404 when
    /// they may not view it, a 403 ("You may not delete task 7.") when they may not delete it. No
    /// preview check: the confirmation may be looked at while previewing; the delete itself refuses.
    /// </summary>
    public async Task<Result<T>> OpenForDeleteAsync<T>(string module, string noun, RecordRights<T>? rights, Actor actor, T? record, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        if (record is null)
        {
            return Result<T>.NotFound();
        }

        var decision = await DecideAsync(module, rights, actor, record, PermissionAction.Delete, cancellationToken);
        return Refusal<T>(decision, "delete", noun, record.Id) ?? Result<T>.Ok(record);
    }

    /// <summary>The engine's answer on the record's owner, department and shares: the rights of every module without rules of its own.</summary>
    public async Task<RecordDecision> EngineDecisionAsync<T>(string module, Actor actor, T record, string action, CancellationToken cancellationToken)
        where T : OwnedRecord
    {
        var facts = await access.FactsAsync(module, record.Id, record.OwnerId, record.DepartmentId, cancellationToken);
        var view = await access.DecideAsync(actor, module, PermissionAction.View, facts, cancellationToken);
        if (!view.Allowed)
        {
            return view.RefusedByTokenScope ? new RecordDecision(true, false, RecordAccess.TokenScopeRefusal(module, PermissionAction.View)) : RecordDecision.Hidden;
        }

        var decision = await access.DecideAsync(actor, module, action, facts, cancellationToken);
        return new RecordDecision(true, decision.Allowed, decision.RefusedByTokenScope ? RecordAccess.TokenScopeRefusal(module, action) : null);
    }

    private Task<RecordDecision> DecideAsync<T>(string module, RecordRights<T>? rights, Actor actor, T record, string action, CancellationToken cancellationToken)
        where T : OwnedRecord =>
        rights is null ? EngineDecisionAsync(module, actor, record, action, cancellationToken) : rights(actor, record, action, cancellationToken);

    private static Result<TResult>? Refusal<TResult>(RecordDecision decision, string verb, string noun, int id) =>
        !decision.Visible ? Result<TResult>.NotFound()
        : !decision.Allowed ? Result<TResult>.Forbidden(decision.Refusal ?? $"You may not {verb} {noun} {id}.")
        : null;
}
