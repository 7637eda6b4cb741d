using System.Text.Json;

namespace Crm.Web.Web;

/// <summary>
/// A PATCH body: the fields read as <typeparamref name="T"/> plus which of them the caller sent,
/// because for a partial update "absent" (leave it) and <c>null</c> (clear it) differ.
/// </summary>
public sealed record PatchBody<T>(T Value, IReadOnlySet<string> Given)
{
    public bool Has(string field) => Given.Contains(field);
}

public static class PatchBody
{
    /// <summary>
    /// Reads a JSON object; fields the type does not declare are ignored (no mass assignment of
    /// ids or timestamps), and a value of the wrong type is a field error rather than a 400 without a reason.
    /// </summary>
    public static Result<PatchBody<T>> Read<T>(JsonElement body, JsonSerializerOptions options)
        where T : class
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Result<PatchBody<T>>.Invalid("", "The body must be a JSON object.");
        }

        T? value;
        try
        {
            value = body.Deserialize<T>(options);
        }
        catch (JsonException e)
        {
            return Result<PatchBody<T>>.Invalid(FieldOf(e.Path), "This value has the wrong type.");
        }

        if (value is null)
        {
            return Result<PatchBody<T>>.Invalid("", "The body must be a JSON object.");
        }

        var given = body.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Result<PatchBody<T>>.Ok(new PatchBody<T>(value, given));
    }

    /// <summary>"$.memberIds[2]" → "memberIds" (and in a list body "$[0].scope" → "scope"), the key the API's field errors use.</summary>
    public static string FieldOf(string? path)
    {
        if (path is not null && path.StartsWith("$[", StringComparison.Ordinal) && path.IndexOf("].", StringComparison.Ordinal) is > 0 and var index)
        {
            path = "$." + path[(index + 2)..];
        }

        if (string.IsNullOrEmpty(path) || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return "";
        }

        var name = path[2..];
        var end = name.IndexOfAny(['.', '[']);
        name = end < 0 ? name : name[..end];
        return name.Length == 0 ? "" : char.ToLowerInvariant(name[0]) + name[1..];
    }
}
