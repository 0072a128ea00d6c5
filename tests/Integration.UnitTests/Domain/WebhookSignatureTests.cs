using System.Text;
using System.Text.Json;
using Integration.Domain.Security;

namespace Integration.UnitTests.Domain;

/// <summary>The Standard Webhooks scheme, checked against the reference libraries' vectors (Vectors/standard-webhooks.json).</summary>
public sealed class WebhookSignatureTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "standard-webhooks.json"))).RootElement;

    public static TheoryData<int> VectorIndexes => [0, 1];

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Sign_ReferenceVector_MatchesReferenceLibraries(int index)
    {
        var v = Vectors.GetProperty("vectors")[index];
        var signature = WebhookSignature.Sign(v.GetProperty("secret").GetString()!, v.GetProperty("msg_id").GetString()!,
            v.GetProperty("timestamp").GetInt64(), Encoding.UTF8.GetBytes(v.GetProperty("payload").GetString()!));
        Assert.Equal(v.GetProperty("expected_signature").GetString(), signature);
    }

    [Fact]
    public void Verify_ReferenceVector_IsValidWithinTolerance()
    {
        var v = Vectors.GetProperty("vectors")[0];
        var result = Verify(v, v.GetProperty("expected_signature").GetString()!, offsetSeconds: 299);
        Assert.Equal(SignatureCheck.Valid, result);
    }

    [Fact]
    public void Verify_LastCharacterChanged_IsMismatch()
    {
        var v = Vectors.GetProperty("vectors")[0];
        var bad = Vectors.GetProperty("negative")[0].GetProperty("signature").GetString()!;
        Assert.Equal(SignatureCheck.Mismatch, Verify(v, bad, 0));
    }

    [Fact]
    public void Verify_TimestampOutsideFiveMinutes_IsStale()
    {
        var v = Vectors.GetProperty("vectors")[0];
        Assert.Equal(SignatureCheck.StaleTimestamp, Verify(v, v.GetProperty("expected_signature").GetString()!, offsetSeconds: 301));
        Assert.Equal(SignatureCheck.StaleTimestamp, Verify(v, v.GetProperty("expected_signature").GetString()!, offsetSeconds: -301));
    }

    [Fact]
    public void Verify_RotationHeaderWithOldAndNewSignature_IsValidForEitherKey()
    {
        var v = Vectors.GetProperty("vectors")[0];
        var header = Vectors.GetProperty("rotation_example").GetProperty("header").GetString()!["webhook-signature: ".Length..];
        var secondSecret = Vectors.GetProperty("vectors")[1].GetProperty("secret").GetString()!;
        var now = DateTimeOffset.FromUnixTimeSeconds(v.GetProperty("timestamp").GetInt64());
        var body = Encoding.UTF8.GetBytes(v.GetProperty("payload").GetString()!);
        var check = WebhookSignature.Verify([WebhookSignature.DecodeSecret(secondSecret)], v.GetProperty("msg_id").GetString()!,
            v.GetProperty("timestamp").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), body, header, now, TimeSpan.FromMinutes(5));
        Assert.Equal(SignatureCheck.Valid, check);
    }

    [Fact]
    public void Verify_StripeStyleSignature_IsRejected()
    {
        var v = Vectors.GetProperty("vectors")[0];
        Assert.NotEqual(SignatureCheck.Valid, Verify(v, "v1,2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964", 0));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false)]
    [InlineData("whsec_c2hvcnQ=", false)]
    [InlineData("whsec_not base64!", false)]
    public void IsWellFormedSecret_Examples(string secret, bool expected) => Assert.Equal(expected, WebhookSignature.IsWellFormedSecret(secret));

    private static SignatureCheck Verify(JsonElement v, string header, int offsetSeconds)
    {
        var timestamp = v.GetProperty("timestamp").GetInt64();
        return WebhookSignature.Verify([WebhookSignature.DecodeSecret(v.GetProperty("secret").GetString()!)], v.GetProperty("msg_id").GetString()!,
            timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(v.GetProperty("payload").GetString()!), header,
            DateTimeOffset.FromUnixTimeSeconds(timestamp + offsetSeconds), TimeSpan.FromMinutes(5));
    }
}
