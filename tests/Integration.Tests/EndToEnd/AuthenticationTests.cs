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
}
