using System.Net;

namespace Integration.Tests.EndToEnd;

/// <summary>Wrong content type → 415, too large → 413, flood → 429; each a problem answer, none changing anything.</summary>
public sealed class LimitsTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);

    [Fact]
    public async Task Webhook_NotJson_Is415()
    {
        var client = World.Client(Samples.Hospital.Code);
        using var text = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", "orders"u8.ToArray(), "text/plain");
        await Samples.Expect(text, HttpStatusCode.UnsupportedMediaType);
        using var csv = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", "orderId\nPO-1"u8.ToArray(), "text/csv");
        var problem = await Samples.Expect(csv, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("/api/v1/files/", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task File_Xml_Is415()
    {
        using var response = await World.Client(Samples.Hospital.Code).SendAsync(HttpMethod.Post, "/api/v1/files/orders", "<orders/>"u8.ToArray(), "application/xml");
        await Samples.Expect(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task BodyAboveTheLimit_Is413_ItemsAboveTheLimit_Is413()
    {
        var hub = await World.StartHubAsync(new Dictionary<string, string?> { ["Hub__Security__MaxBodyBytes"] = "4096", ["Hub__Feeds__MaxItems"] = "3" });
        var client = World.Client(Samples.Hospital.Code, hub);
        var orderId = Samples.Unique("PO");
        var big = Samples.Items([.. Enumerable.Range(1, 30).Select(i => Samples.OrderLine(orderId, i))]);
        using var tooBig = await client.PostJsonAsync("/api/v1/orders", big);
        await Samples.Expect(tooBig, HttpStatusCode.RequestEntityTooLarge);
        using var tooMany = await client.PostJsonAsync("/api/v1/orders", Samples.Items([.. Enumerable.Range(1, 4).Select(i => Samples.OrderLine(orderId, i))]));
        var problem = await Samples.Expect(tooMany, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most 3 items", problem["detail"]!.GetValue<string>());
        using var fine = await client.PostJsonAsync("/api/v1/orders", Samples.Items([.. Enumerable.Range(1, 3).Select(i => Samples.OrderLine(orderId, i))]));
        await Samples.Expect(fine, HttpStatusCode.Accepted);
        hub.Kill();
    }

    [Fact]
    public async Task Flood_Is429WithRetryAfter_OtherPartnersUnaffected()
    {
        var hub = await World.StartHubAsync(new Dictionary<string, string?> { ["Hub__Security__RequestsPerSecond"] = "1", ["Hub__Security__Burst"] = "3" });
        var flooder = World.Client(Samples.Hospital.Code, hub);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await flooder.GetAsync("/api/v1/alerts");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
            else response.Dispose();
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(limited);
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        limited.Dispose();
        using var other = await World.Client(Samples.OtherHospital.Code, hub).GetAsync("/api/v1/alerts");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        hub.Kill();
    }
}
