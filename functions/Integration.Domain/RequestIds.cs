using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain;

/// <summary>Identifiers derived from what partners send, so that a retry finds what the first attempt left.</summary>
public static class RequestIds
{
    /// <summary>The request id of a partner's <c>webhook-id</c>: 26 base32 characters of SHA-256, safe as a storage key.</summary>
    public static string From(string partnerId, string webhookId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{partnerId}\n{webhookId}"));
        return Base32(hash.AsSpan(0, 16));
    }

    /// <summary>The fingerprint of a body, to tell a retry (same body) from a reuse of the id (another body).</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }
}
