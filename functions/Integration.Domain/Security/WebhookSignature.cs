using System.Security.Cryptography;
using System.Text;

namespace Integration.Domain.Security;

/// <summary>
/// Standard Webhooks signatures (HMAC-SHA256 over "{id}.{timestamp}.{body}"), used for every inbound request and
/// every outbound alert. The one way the hub signs and verifies.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>The header value for one secret: <c>v1,&lt;base64 HMAC&gt;</c>.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(DecodeSecret(secret), webhookId, timestamp, body));

    /// <summary>A new random secret in the <c>whsec_</c> form (32 random bytes).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>True when the text is a well-formed secret: <c>whsec_</c> followed by base64 of 24 to 64 bytes.</summary>
    public static bool IsWellFormedSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        Span<byte> buffer = stackalloc byte[128];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var n) && n is >= 24 and <= 64;
    }

    /// <summary>The <c>whsec_</c> form of a key: the inverse of <see cref="DecodeSecret"/>.</summary>
    public static string EncodeSecret(ReadOnlySpan<byte> key) => SecretPrefix + Convert.ToBase64String(key);

    public static byte[] DecodeSecret(string secret)
    {
        if (!IsWellFormedSecret(secret))
            throw new ArgumentException("A secret is 'whsec_' followed by the base64 of 24 to 64 random bytes.", nameof(secret));
        return Convert.FromBase64String(secret[SecretPrefix.Length..]);
    }

    /// <summary>
    /// Checks a <c>webhook-signature</c> header (space-separated <c>v1,...</c> entries; any one may match any key, which
    /// is how secret rotation works) and the timestamp's distance from <paramref name="now"/>.
    /// </summary>
    public static SignatureCheck Verify(
        IReadOnlyList<byte[]> keys, string webhookId, string timestampHeader, ReadOnlySpan<byte> body,
        string? signatureHeader, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var timestamp))
            return SignatureCheck.BadTimestamp;
        var skew = Math.Abs(now.ToUnixTimeSeconds() - timestamp);
        if (skew > tolerance.TotalSeconds) return SignatureCheck.StaleTimestamp;
        if (string.IsNullOrWhiteSpace(signatureHeader)) return SignatureCheck.Missing;

        Span<byte> presented = stackalloc byte[64];
        foreach (var key in keys)
        {
            var expected = Mac(key, webhookId, timestamp, body);
            foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!entry.StartsWith("v1,", StringComparison.Ordinal)) continue;
                if (!Convert.TryFromBase64String(entry[3..], presented, out var n) || n != expected.Length) continue;
                if (CryptographicOperations.FixedTimeEquals(presented[..n], expected)) return SignatureCheck.Valid;
            }
        }
        return SignatureCheck.Mismatch;
    }

    private static byte[] Mac(byte[] key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}."));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Mismatch,
    BadTimestamp,
    StaleTimestamp,
}
