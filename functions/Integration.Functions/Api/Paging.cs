using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Integration.Domain;

namespace Integration.Functions.Api;

/// <summary>
/// How the API's lists are paged: <c>limit</c> (1 to 1,000; 100 when absent) items a page, and, when there are more, the
/// page's <c>next</c>: an opaque cursor (the last item's time and id, the list's order) passed back as <c>cursor</c>.
/// The query is read as text, so that each bad parameter is named in one answer.
/// </summary>
public sealed class Paging
{
    public const int DefaultLimit = 100, MaxLimit = 1000;

    public int Limit { get; private init; } = DefaultLimit;

    /// <summary>Where the page before ended, or null for the first page.</summary>
    public (DateTimeOffset At, string Id)? After { get; private init; }

    /// <summary>The paging of a request; bad parameters are added to <paramref name="problems"/>.</summary>
    public static Paging Read(string? limit, string? cursor, List<Problem> problems)
    {
        var take = DefaultLimit;
        if (limit is not null)
        {
            if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l)) take = Math.Clamp(l, 1, MaxLimit);
            else problems.Add(new(null, "/limit", "format", $"'limit' is a whole number (1 to {MaxLimit}; {DefaultLimit} when absent)."));
        }
        var after = cursor is null ? null : Decode(cursor);
        if (cursor is not null && after is null)
            problems.Add(new(null, "/cursor", "format", "'cursor' is not one this API gave: pass the 'next' of the page before, unchanged."));
        return new Paging { Limit = take, After = after };
    }

    /// <summary>
    /// The page of a list already in its order (by time, <paramref name="descending"/> or not, then by id): the items after
    /// the cursor, at most the limit, whether there are more, and the next page's cursor.
    /// </summary>
    public (List<T> Items, bool More, string? Next) Page<T>(IEnumerable<T> ordered, Func<T, DateTimeOffset> at, Func<T, string> id, bool descending)
    {
        var rest = After is not { } x ? ordered : ordered.Where(item =>
        {
            var t = at(item);
            return (descending ? t < x.At : t > x.At) || (t == x.At && string.CompareOrdinal(id(item), x.Id) > 0);
        });
        var items = rest.Take(Limit + 1).ToList();
        if (items.Count <= Limit) return (items, false, null);
        items.RemoveAt(Limit);
        return (items, true, Encode(at(items[^1]), id(items[^1])));
    }

    private static string Encode(DateTimeOffset at, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}|{id}")));

    private static (DateTimeOffset, string)? Decode(string cursor)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('|', 2) is [var ticks, { Length: > 0 } id]
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                && t <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(t, TimeSpan.Zero), id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
