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
    public async Task Flood_InAnotherSpellingOfThePath_Is429Too()
    {
        var hub = await World.StartHubAsync(new Dictionary<string, string?> { ["Hub__Security__RequestsPerSecond"] = "1", ["Hub__Security__Burst"] = "3" });
        var flooder = World.Client(Samples.Hospital.Code, hub);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await flooder.GetAsync(i % 2 == 0 ? "/API/V1/ALERTS" : "/Api/v1/alerts/");
            statuses.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        hub.Kill();
    }

    [Fact]
    public async Task Upload_TheClientAborts_IsLoggedAsTheClients_NotAsAnUnexpectedFailure()
    {
        var hub = World.Hub;
        var uri = new Uri(hub.Url);
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(uri.Host, uri.Port);
            var stream = socket.GetStream();
            var head = "POST /api/v1/files/orders HTTP/1.1\r\nHost: hub\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n" +
                       $"x-partner-id: aborting-upload\r\nwebhook-id: {Samples.Unique("abort")}\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,AAAA\r\n\r\norderId,lineNo\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await stream.FlushAsync();
            await Task.Delay(200);
        }
        bool Logged() => hub.Output.Contains("The client of POST /api/v1/files/orders did not send the whole body", StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Logged() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(Logged(), hub.Output);
        Assert.DoesNotContain("Unexpected failure of POST /api/v1/files/orders", hub.Output);
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
