using System.Buffers.Text;
using System.Text.Json;

namespace Crm.Web.Records;

/// <summary>
/// A position in a keyset-paged list: the sort, the direction, and the sort keys of the row next
/// to the page. Opaque to callers (base64url of JSON) and validated on the way back in: anything
/// that does not decode to exactly this shape is refused with a field error, never a 500.
/// </summary>
public sealed record ListCursor(string Sort, bool Forward, int Id, IReadOnlyList<string> Keys)
{
    private const string Version = "1";
    private const int MaxLength = 2000;

    public string Encode()
    {
        string[] parts = [Version, Sort, Forward ? "n" : "p", Id.ToString(System.Globalization.CultureInfo.InvariantCulture), .. Keys];
        return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));
    }

    /// <summary>The cursor, or null when <paramref name="text"/> is not one this list gave out for <paramref name="sort"/>.</summary>
    public static ListCursor? Decode(string text, string sort, int keyCount)
    {
        if (text.Length > MaxLength || !Base64Url.IsValid(text))
        {
            return null;
        }

        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(text));
            if (parts is null || parts.Length != 4 + keyCount || parts.Any(p => p is null) || parts[0] != Version || parts[1] != sort
                || parts[2] is not ("n" or "p")
                || !int.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            return new ListCursor(sort, parts[2] == "n", id, parts[4..]);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public const string Invalid = "This cursor is not valid for this list (it may be damaged or come from another sort order). Start again from the first page.";
}

/// <summary>A page of a keyset-paged list, with the cursors of its neighbours (null at either end).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? NextCursor, string? PreviousCursor);

public static class ListPaging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>
    /// Turns the rows read for one page (page size + 1, in the read direction) into the page and
    /// its cursors. Reading one extra row tells whether there is more in that direction.
    /// </summary>
    public static ListPage<T> Page<T>(List<T> rows, int pageSize, ListCursor? cursor, Func<T, bool, ListCursor> cursorOf)
    {
        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var forward = cursor?.Forward ?? true;
        if (!forward)
        {
            rows.Reverse();
        }

        if (rows.Count == 0)
        {
            return new ListPage<T>(rows, null, null);
        }

        var next = forward ? (more ? cursorOf(rows[^1], true) : null) : cursorOf(rows[^1], true);
        var previous = forward ? (cursor is null ? null : cursorOf(rows[0], false)) : (more ? cursorOf(rows[0], false) : null);
        return new ListPage<T>(rows, next?.Encode(), previous?.Encode());
    }
}
