using System.Globalization;
using System.Text;

namespace Integration.Functions.Office;

/// <summary>
/// Where the console sends someone after signing in: a path of the console itself, never an address elsewhere, written
/// in ASCII so that it can stand in a Location header (anything beyond ASCII percent-encoded as UTF-8, as are the
/// characters a URL does not hold as they are). An address with a control character or a line break, or a broken one,
/// is not repaired: it is replaced by the console's home.
/// </summary>
public static class ReturnUrls
{
    public const string Home = "/console/";

    public static string Safe(string? returnUrl)
    {
        if (returnUrl is null || !returnUrl.StartsWith(Home, StringComparison.Ordinal) || returnUrl.StartsWith("/console//", StringComparison.Ordinal)
            || returnUrl.Contains('\\'))
            return Home;
        var safe = new StringBuilder(returnUrl.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < returnUrl.Length;)
        {
            if (Rune.DecodeFromUtf16(returnUrl.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done) return Home;
            i += used;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator) return Home;
            if (rune.Value is > 0x20 and < 0x7f && !NotInUrls.Contains((char)rune.Value))
            {
                safe.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length]) safe.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return safe.ToString();
    }

    /// <summary>Printable ASCII characters a URL does not hold as they are (RFC 3986): percent-encoded.</summary>
    private const string NotInUrls = "\"<>`{}|^";
}
