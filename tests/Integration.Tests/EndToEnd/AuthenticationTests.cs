using System.Net;
using Integration.Domain.Security;
using Integration.Load;
using Microsoft.Extensions.Time.Testing;

namespace Integration.Tests.EndToEnd;

/// <summary>Every request under /api/v1 is authenticated, GET included (api.md "Authentication").</summary>
public sealed class AuthenticationTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);

    [Fact]
    public async Task Post_Unsigned_Is401ListingTheMissingHeaders()
    {
        using var response = await World.Hub.Http.PostAsync("/api/v1/orders", new StringContent("{\"items\":[]}", System.Text.Encoding.UTF8, "application/json"));
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("webhook-signature", problem["detail"]!.GetValue<string>());
        Assert.Contains("x-partner-id", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Unsigned_Is401()
    {
        using var response = await World.Hub.Http.GetAsync("/api/v1/alerts");
        await Samples.Expect(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/API/v1/indicators/configuration")]
    [InlineData("/Api/V1/calendar/2026")]
    [InlineData("/API/v1/alerts")]
    [InlineData("/API/v1/complaints/NO-SUCH")]
    [InlineData("/api/v1/indicators/configuration/")]
    [InlineData("/%61pi/v1/indicators/configuration")]
    [InlineData("/api/v1/no-such-route")]
    public async Task Get_Unsigned_AnySpellingOfThePath_Is401(string path)
    {
        using var response = await World.Hub.Http.GetAsync(new Uri(World.Hub.Url + path));
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Contains("x-partner-id", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Signed_AnySpellingOfThePath_IsAuthenticated_UnknownRouteIs404()
    {
        using var upper = await World.Admin().GetAsync("/API/V1/INDICATORS/CONFIGURATION");
        await Samples.Expect(upper, HttpStatusCode.OK);
        using var unknown = await World.Admin().GetAsync("/api/v1/no-such-route");
        await Samples.Expect(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_BodyChangedAfterSigning_Is401AndNothingIsStored()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        var body = Samples.Json(Samples.Items(Samples.OrderLine(orderId)));
        var tampered = Samples.Json(Samples.Items(Samples.OrderLine(orderId, quantity: 5600)));
        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json",
            tamper: r => r.Content = new ByteArrayContent(tampered) { Headers = { ContentType = new("application/json") } });
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Unknown partner or bad signature.", problem["detail"]!.GetValue<string>());
        Assert.Null(await new Integration.Storage.RecordStore(World.Storage).GetAsync(Integration.Domain.Feeds.FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default));
    }

    [Fact]
    public async Task Post_TimestampSixMinutesOld_Is401()
    {
        var partner = World.Province.PartnerFor(Samples.Hospital.Code);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-6));
        var client = new PartnerClient(World.Hub.Http, partner.PartnerId, partner.Secret, clock);
        using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(Samples.OrderLine(Samples.Unique("PO"))));
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Contains("5 minutes", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_UnknownPartner_Is401LikeABadSignature()
    {
        var client = new PartnerClient(World.Hub.Http, "nobody", WebhookSignature.NewSecret());
        using var response = await client.GetAsync("/api/v1/alerts");
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Unknown partner or bad signature.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rotation_OldAndNewSecretsBothWork_ThenOnlyTheNew()
    {
        var entity = Samples.Hospital.Code;
        var (oldSecret, newSecret) = (WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
        var partnerId = Samples.Unique("rotating");
        async Task Put(params string[] secrets)
        {
            using var put = await World.Admin().PutJsonAsync("/api/v1/admin/partners", new { items = new[] { new { partnerId, role = "hospital", entityCode = entity, name = "rotation test", secrets } } });
            await Samples.Expect(put, HttpStatusCode.OK);
        }
        async Task<HttpStatusCode> Call(string secret)
        {
            using var response = await new PartnerClient(World.Hub.Http, partnerId, secret).GetAsync("/api/v1/alerts");
            return response.StatusCode;
        }

        await Put(oldSecret);
        Assert.Equal(HttpStatusCode.OK, await Call(oldSecret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(newSecret));
        await Put(newSecret, oldSecret);
        Assert.Equal(HttpStatusCode.OK, await Call(oldSecret));
        Assert.Equal(HttpStatusCode.OK, await Call(newSecret));
        await Put(newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(oldSecret));
        Assert.Equal(HttpStatusCode.OK, await Call(newSecret));
    }

    [Fact]
    public async Task Secrets_AreStoredEncrypted_NotInClear()
    {
        var partner = World.Province.PartnerFor(Samples.Hospital.Code);
        var row = (await World.Storage.Partners.GetEntityAsync<Azure.Data.Tables.TableEntity>("partner", partner.PartnerId)).Value;
        var stored = string.Join(" ", ((IDictionary<string, object>)row).Values.Select(v => v?.ToString()));
        Assert.DoesNotContain(partner.Secret, stored);
        Assert.DoesNotContain(partner.Secret["whsec_".Length..], stored);
    }

    [Fact]
    public async Task Health_AndApiDescription_NeedNoSignature()
    {
        using var live = await World.Hub.Http.GetAsync("/api/health/live");
        using var ready = await World.Hub.Http.GetAsync("/api/health/ready");
        using var openApi = await World.Hub.Http.GetAsync("/api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverHoldSecrets()
    {
        using var _ = await World.Client(Samples.Hospital.Code).GetAsync("/api/v1/alerts");
        foreach (var partner in World.Province.Partners.Take(50))
            Assert.DoesNotContain(partner.Secret["whsec_".Length..], World.Hub.Output);
        Assert.DoesNotContain(World.AdminSecret["whsec_".Length..], World.Hub.Output);
    }

    /// <summary>Sends a signed request and returns the signature headers it carried, as a client capturing them would.</summary>
    private static async Task<(HttpStatusCode Status, Dictionary<string, string> Headers)> CaptureAsync(Integration.Load.PartnerClient client, string path)
    {
        var headers = new Dictionary<string, string>();
        using var response = await client.SendAsync(HttpMethod.Get, path, [], null, tamper: r =>
        {
            foreach (var name in new[] { "x-partner-id", "webhook-id", "webhook-timestamp", "webhook-signature" })
                headers[name] = r.Headers.GetValues(name).Single();
        });
        return (response.StatusCode, headers);
    }

    private static async Task<HttpResponseMessage> ReplayAsync(HubProcess hub, HttpMethod method, string path, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get) request.Content = new ByteArrayContent([]);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await hub.Http.SendAsync(request);
    }

    [Fact]
    public async Task CapturedGetHeaders_OnAnotherRouteOrMethod_Are401_AndChangeNothing()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var admin = world.Admin();
        using (var put = await admin.PutJsonAsync("/api/v1/subscriptions/keep", new { url = "http://127.0.0.1:9/hook", secret = Integration.Domain.Security.WebhookSignature.NewSecret(), filter = new { rules = new[] { "R24" } } }))
            await Samples.Expect(put, HttpStatusCode.OK);

        var (status, captured) = await CaptureAsync(admin, "/api/v1/subscriptions/keep");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Delete, "/api/v1/subscriptions/keep"),
            (HttpMethod.Post, "/api/v1/admin/monitoring/evaluate"),
            (HttpMethod.Post, "/api/v1/assessments/2026Q3/run"),
            (HttpMethod.Get, "/api/v1/alerts"),
            (HttpMethod.Get, "/api/v1/subscriptions/keep?x=1"),
        })
        {
            using var reused = await ReplayAsync(world.Hub, method, path, captured);
            var problem = await Samples.Expect(reused, HttpStatusCode.Unauthorized);
            Assert.Contains("signed another request", problem["detail"]!.GetValue<string>());
        }

        // Nothing changed: the subscription is there, no assessment was started; the same GET again is answered.
        using (var same = await ReplayAsync(world.Hub, HttpMethod.Get, "/api/v1/subscriptions/keep", captured))
            await Samples.Expect(same, HttpStatusCode.OK);
        using (var assessment = await admin.GetAsync("/api/v1/assessments/2026Q3"))
            Assert.Equal(HttpStatusCode.NotFound, assessment.StatusCode);
    }

    [Fact]
    public async Task AWriteSentAgainWithItsOwnHeaders_IsStillTheIdempotentReplay()
    {
        var client = World.Client(Samples.Hospital.Code);
        var body = Samples.Json(Samples.Items(Samples.OrderLine(Samples.Unique("PO"))));
        var webhookId = Samples.Unique("msg");
        using (var first = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId))
            await Samples.Expect(first, HttpStatusCode.Accepted);
        using var again = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId);
        await Samples.Expect(again, HttpStatusCode.Accepted);
        Assert.True(again.Headers.Contains("Idempotent-Replayed"));
    }
}
