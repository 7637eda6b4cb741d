using System.Linq.Expressions;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

namespace Crm.Web.Records;

/// <summary>What the actor may do with a record on its page (never anything while previewing).</summary>
public sealed record RecordActions(bool Edit, bool Delete);

/// <summary>
/// A record as its page and form read it: the module's details and the actor's rights. A module whose
/// page decides more (a lead's conversion, a deal's amount) keeps a view of its own.
/// </summary>
public sealed record RecordView<TDetails>(TDetails Record, RecordActions Can);

public static class RecordViews
{
    /// <summary>
    /// The read use case of a module whose page shows edit and delete only: the record opened by
    /// <see cref="RecordAccess.ReadAsync{T}"/> (404 when missing or hidden), its details, and the rights.
    /// <paramref name="editable"/> says whether a record may be edited at all (an incoming email may not).
    /// </summary>
    public static async Task<Result<RecordView<TDetails>>> ViewAsync<T, TDetails>(
        this RecordAccess access, Actor actor, ModuleDefinition module, int id,
        Func<T, CancellationToken, Task<TDetails>> details, CancellationToken cancellationToken, Func<T, bool>? editable = null)
        where T : OwnedRecord
    {
        var opened = await access.ReadAsync<T>(actor, module.Key, id, cancellationToken);
        if (!opened.IsOk)
        {
            return opened.Map<RecordView<TDetails>>();
        }

        var read = opened.Value;
        var can = new RecordActions(
            (editable?.Invoke(read.Record) ?? true) && await read.MayAsync(PermissionAction.Edit, cancellationToken),
            await read.MayAsync(PermissionAction.Delete, cancellationToken));
        return Result<RecordView<TDetails>>.Ok(new RecordView<TDetails>(await details(read.Record, cancellationToken), can));
    }
}

/// <summary>A record's details as the read and save use cases answer them: every object's have its ID.</summary>
public interface IRecordDetails
{
    int Id { get; }
}

/// <summary>The read use case of a module whose page shows edit and delete only (see <see cref="RecordViews.ViewAsync"/>).</summary>
public interface IReadRecord<TDetails>
{
    Task<Result<RecordView<TDetails>>> RunAsync(Actor actor, int id, CancellationToken cancellationToken);
}

/// <summary>The save use case of an object module: a new record (no ID) or the given fields of one.</summary>
public interface ISaveRecord<TInput, TFields, TDetails>
{
    Task<Result<TDetails>> RunAsync(Actor actor, int? id, TInput input, TFields fields, CancellationToken cancellationToken);
}

/// <summary>The record page (<c>/x/{id}</c>) of a module whose read gives a <see cref="RecordView{TDetails}"/>.</summary>
public abstract class RecordViewPage<TDetails>(IReadRecord<TDetails> read) : RecordDetailsPage<RecordView<TDetails>>
{
    protected override Task<Result<RecordView<TDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        read.RunAsync(actor, id, cancellationToken);
}

/// <summary>
/// The form of a module whose read gives a <see cref="RecordView{TDetails}"/>: opened through the read
/// (edit right from the view), saved through the save with <paramref name="formFields"/> (what the form
/// carries; the owner is not on it), then on to <c>/{module}/{id}</c>. The module fills the form from its details.
/// </summary>
public abstract class RecordViewFormPage<TInput, TFields, TDetails>(
    IReadRecord<TDetails> read, ISaveRecord<TInput, TFields, TDetails> save, ModuleDefinition module, TFields formFields)
    : RecordFormPage<TInput, RecordView<TDetails>, TDetails>
    where TInput : class, new()
    where TDetails : class, IRecordDetails
{
    protected override Task<Result<RecordView<TDetails>>> ReadAsync(Actor actor, int id, CancellationToken cancellationToken) =>
        read.RunAsync(actor, id, cancellationToken);

    protected override bool MayEdit(RecordView<TDetails> view) => view.Can.Edit;

    protected override Task<Result<TDetails>> SaveAsync(Actor actor, int? id, TInput form, CancellationToken cancellationToken) =>
        save.RunAsync(actor, id, form, formFields, cancellationToken);

    protected override string PageOf(TDetails saved) => $"/{module.Key}/{saved.Id}";

    /// <summary>The form filled from the record: each input property from the record's property of the same name (see <see cref="RecordInputs"/>).</summary>
    protected override TInput Fill(RecordView<TDetails> view) => RecordInputs.From<TInput, TDetails>(view.Record);
}

/// <summary>
/// An edit form's input filled from the record as read: every property of the input takes the read
/// record's property of the same name and type (a <c>string?</c> from a <c>string</c>, an <c>int?</c>
/// from an <c>int</c>). An input property the record lacks is a mistake of the module, said at once
/// rather than left blank on the form; such a module writes its own <c>Fill</c>.
/// </summary>
public static class RecordInputs
{
    public static TInput From<TInput, TDetails>(TDetails details)
        where TInput : class, new() => Pairs<TInput, TDetails>.Copy(details);

    private static class Pairs<TInput, TDetails>
        where TInput : class, new()
    {
        // Compiled once per pair of types: an import turns every saved record back into input values, and
        // reflection's GetValue/SetValue per property was a tenth of its time.
        public static readonly Func<TDetails, TInput> Copy = Compile();

        private static Func<TDetails, TInput> Compile()
        {
            var details = Expression.Parameter(typeof(TDetails), "details");
            var bindings = Match().Select(p => (MemberBinding)Expression.Bind(p.To,
                Expression.Convert(Expression.Property(details, p.From), p.To.PropertyType)));
            var body = Expression.MemberInit(Expression.New(typeof(TInput)), bindings);
            return Expression.Lambda<Func<TDetails, TInput>>(body, details).Compile();
        }

        private static (System.Reflection.PropertyInfo To, System.Reflection.PropertyInfo From)[] Match()
        {
            var pairs = typeof(TInput).GetProperties().Where(p => p.CanWrite)
                .Select(to => (To: to, From: typeof(TDetails).GetProperty(to.Name)))
                .ToList();
            var missing = pairs.Where(p => p.From is null || (p.To.PropertyType != p.From.PropertyType && Nullable.GetUnderlyingType(p.To.PropertyType) != p.From.PropertyType))
                .Select(p => p.To.Name).ToList();
            return missing.Count == 0
                ? [.. pairs.Select(p => (p.To, p.From!))]
                : throw new InvalidOperationException($"{typeof(TDetails).Name} has no property of the same type for {string.Join(", ", missing)} of {typeof(TInput).Name}: fill the form in the page's own Fill.");
        }
    }
}
