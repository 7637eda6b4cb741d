using Crm.Web.Security;

namespace Crm.Web.Records;

/// <summary>
/// Which fields a save takes from its input: every field of a new record; of an existing one, those
/// the caller sent (a form sends all of its own, an API body the properties present), the others
/// keeping their current value. Text is trimmed, and blank text is no value.
/// </summary>
public readonly struct FieldPicks<TFields>(TFields sent, bool creating)
    where TFields : struct, Enum
{
    public bool Has(TFields field) => creating || sent.HasFlag(field);

    public string? Text(TFields field, string? given, string? current) => Has(field) ? (string.IsNullOrWhiteSpace(given) ? null : given.Trim()) : current;

    public T Value<T>(TFields field, T given, T current) => Has(field) ? given : current;

    /// <summary>The owner given, else the record's, else (a new record without one) the actor.</summary>
    public Guid? Owner(TFields field, Guid? given, OwnedRecord? record, Actor actor) =>
        Has(field) && given is { } owner ? owner : record?.OwnerId ?? actor.UserId;
}
