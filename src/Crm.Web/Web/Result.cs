using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Web.Web;

public enum Outcome
{
    Ok,
    NotFound,
    Forbidden,
    Invalid,
    Conflict,
}

/// <summary>
/// What a use case returns for every expected outcome when there is nothing to give back but "done"
/// (a delete, a grant saved). Mapped once to HTTP (ProblemDetails) and once to pages (ModelState);
/// exceptions are left for bugs. <see cref="Result{T}"/> adds the value.
/// </summary>
public class Result
{
    private static readonly IReadOnlyDictionary<string, string[]> s_noErrors = new Dictionary<string, string[]>();
    private static readonly Result s_done = new(Outcome.Ok, null, null);

    private protected Result(Outcome outcome, string? message, IReadOnlyDictionary<string, string[]>? errors)
    {
        Outcome = outcome;
        Message = message;
        Errors = errors ?? s_noErrors;
    }

    public Outcome Outcome { get; }

    /// <summary>A sentence for the person, for outcomes that are not about one field.</summary>
    public string? Message { get; }

    /// <summary>Per-field messages, keyed by the input's name (camelCase, as the API spells it).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public bool IsOk => Outcome == Outcome.Ok;

    private protected const string NotFoundMessage = "Not found.";
    private protected const string InvalidMessage = "Some fields need attention.";

    public static Result Ok() => s_done;
    public static Result NotFound() => new(Outcome.NotFound, NotFoundMessage, null);
    public static Result Forbidden(string message) => new(Outcome.Forbidden, message, null);
    public static Result Conflict(string message) => new(Outcome.Conflict, message, null);
    public static Result Invalid(FieldErrors errors) => new(Outcome.Invalid, InvalidMessage, errors.ToDictionary());
    public static Result Invalid(string field, string message) => Invalid(new FieldErrors().Add(field, message));

    /// <summary>This failure as the result of another type (for a use case passing on a step's refusal); only for outcomes other than Ok.</summary>
    public Result<TOther> Map<TOther>() => IsOk
        ? throw new InvalidOperationException("Only a failure can be passed on.")
        : new Result<TOther>(Outcome, default, Message, Errors);

    /// <summary>204 No Content when done, unless <paramref name="onOk"/> answers otherwise; the failure as problem details.</summary>
    public IResult ToHttp(Func<IResult>? onOk = null) => IsOk ? onOk?.Invoke() ?? Results.NoContent() : Problem();

    private protected IResult Problem() => Outcome switch
    {
        Outcome.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: NotFoundMessage),
        Outcome.Forbidden => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: Message),
        Outcome.Conflict => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: Message),
        _ => Results.ValidationProblem(Errors, title: Message),
    };

    /// <summary>Copies the messages to a page's ModelState; <paramref name="prefix"/> is the bound model's name.</summary>
    public void CopyTo(ModelStateDictionary modelState, string prefix = "Input")
    {
        foreach (var (field, messages) in Errors)
        {
            var key = string.IsNullOrEmpty(field) ? "" : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}";
            foreach (var message in messages)
            {
                modelState.AddModelError(key, message);
            }
        }

        if (Outcome is not Outcome.Ok and not Outcome.Invalid && Message is not null)
        {
            modelState.AddModelError("", Message);
        }
    }
}

/// <summary>A <see cref="Result"/> that carries the use case's answer when it is Ok (then never null).</summary>
public sealed class Result<T> : Result
{
    internal Result(Outcome outcome, T? value, string? message, IReadOnlyDictionary<string, string[]>? errors)
        : base(outcome, message, errors)
    {
        Value = value;
    }

    public T? Value { get; }

    /// <summary>Ok, and so <see cref="Value"/> is there: the compiler knows it after a check.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public new bool IsOk => base.IsOk;

#pragma warning disable CA1000 // Factory methods on the generic type read best at the call site: Result<X>.Ok(x).
    public static Result<T> Ok(T value) => new(Outcome.Ok, value ?? throw new ArgumentNullException(nameof(value)), null, null);
    public static new Result<T> NotFound() => new(Outcome.NotFound, default, NotFoundMessage, null);
    public static new Result<T> Forbidden(string message) => new(Outcome.Forbidden, default, message, null);
    public static new Result<T> Conflict(string message) => new(Outcome.Conflict, default, message, null);
    public static new Result<T> Invalid(FieldErrors errors) => new(Outcome.Invalid, default, InvalidMessage, errors.ToDictionary());
    public static new Result<T> Invalid(string field, string message) => Invalid(new FieldErrors().Add(field, message));
#pragma warning restore CA1000

    /// <summary>200 with the value as JSON when Ok, unless <paramref name="onOk"/> answers otherwise; the failure as problem details.</summary>
    public IResult ToHttp(Func<T, IResult>? onOk = null) => IsOk ? onOk is null ? Results.Ok(Value) : onOk(Value) : Problem();
}

/// <summary>Collects validation messages per field.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>
    /// Where a newest-first list keyed by ID continues: its cursor is the last ID shown (null: from
    /// the newest); anything else is the "cursor" field's error.
    /// </summary>
    public long? BeforeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        if (long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var before) && before > 0)
        {
            return before;
        }

        Add("cursor", "The cursor is not one this list gave out.");
        return null;
    }

    /// <summary>The page size asked for (<paramref name="defaultSize"/> when none); outside 1 to <paramref name="max"/> the "pageSize" field's error.</summary>
    public int PageSize(int? given, int defaultSize, int max)
    {
        var size = given ?? defaultSize;
        if (size is < 1 || size > max)
        {
            Add("pageSize", $"Page size must be between 1 and {max}.");
        }

        return size;
    }

    /// <summary>Required, trimmed, bounded text: the common checks of a text input.</summary>
    public FieldErrors Text(string field, string label, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"{label} is required.");
            }
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{label} must be at most {maxLength} characters.");
        }

        return this;
    }

    /// <summary>A required email address of a plausible shape (the full check is the mail server's).</summary>
    public FieldErrors Email(string field, string label, string? value)
    {
        Text(field, label, value, 256);
        if (!string.IsNullOrWhiteSpace(value) && value.Length <= 256 && !LooksLikeEmail(value.Trim()))
        {
            Add(field, $"{label} must be an email address, like name@example.com.");
        }

        return this;
    }

    private static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1
            && !value.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"' or '(' or ')' or ',' or ';');
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
