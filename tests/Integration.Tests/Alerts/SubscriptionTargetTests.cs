using System.Net;
using System.Security.Cryptography;
using Integration.Domain.Security;

namespace Integration.Tests.Alerts;

/// <summary>
/// Outside Development the hub never calls an internal address for a partner: a subscription to loopback, link-local,
/// a private range or a name resolving to one is refused when written (and every delivery checks again: unit tests).
/// No test here sends anything to an address that is not loopback.
/// </summary>
public sealed class SubscriptionTargetTests(HubFixture fixture)
{
    [Fact]
    public async Task InProduction_ASubscriptionToAnInternalAddress_Is400NamingTheUrl_AndNotStored()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hub__Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }, loadProvince: false);
        foreach (var url in new[]
        {
            "https://127.0.0.1/hook", "https://169.254.169.254/latest/meta-data", "https://10.1.2.3/hook", "https://172.20.0.5/hook",
            "https://192.168.0.10/hook", "https://[fc00::1]/hook", "https://[::1]/hook", "https://[::ffff:10.0.0.1]/hook", "https://localhost/hook",
            "http://127.0.0.1:9/hook", "https://[::127.0.0.1]/hook", "https://[64:ff9b::7f00:1]/hook", "https://[2002:7f00:1::]/hook",
            "https://198.18.0.1/hook", "https://192.0.0.8/hook", "https://2130706433/hook", "https://0x7f.1/hook",
        })
        {
            using var put = await world.Admin().PutJsonAsync("/api/v1/subscriptions/internal", new { url, secret = WebhookSignature.NewSecret() });
            var problem = await Samples.Expect(put, HttpStatusCode.BadRequest);
            Assert.Contains(Samples.Errors(problem), e => e.Field == "/url" && e.Code is "internal-address" or "https");
        }
        using var get = await world.Admin().GetAsync("/api/v1/subscriptions/internal");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
