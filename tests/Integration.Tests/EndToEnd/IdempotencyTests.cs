using System.Net;
using Integration.Domain.Feeds;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>The webhook-id is the idempotency key; items are replaced by id, the latest version winning, never counted twice.</summary>
public sealed class IdempotencyTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);
    private RecordStore Records => new(World.Storage);

    [Fact]
    public async Task SameWebhookIdSameBody_GetsTheFirstAnswer_AppliedOnce()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        var body = Samples.Json(Samples.Items(Samples.OrderLine(orderId)));
        var webhookId = Samples.Unique("msg");
        using var first = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId);
        var answer = await Samples.Expect(first, HttpStatusCode.Accepted);
        await World.WaitProcessedAsync(client, answer["requestId"]!.GetValue<string>());
        var stored = await Records.GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default);

        using var again = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId);
        var replay = await Samples.Expect(again, HttpStatusCode.Accepted);
        Assert.Equal(answer.ToJsonString(), replay.ToJsonString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(stored, await Records.GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default));
    }

    [Fact]
    public async Task SameWebhookIdOtherBody_Is409AndChangesNothing()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        var webhookId = Samples.Unique("msg");
        using var first = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", Samples.Json(Samples.Items(Samples.OrderLine(orderId, quantity: 10))), "application/json", webhookId);
        await World.WaitProcessedAsync(client, (await Samples.Expect(first, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>());
        using var second = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", Samples.Json(Samples.Items(Samples.OrderLine(orderId, quantity: 99))), "application/json", webhookId);
        await Samples.Expect(second, HttpStatusCode.Conflict);
        var stored = await Records.GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default);
        Assert.Contains("\"quantity\":10", stored!.Json);
    }

    [Fact]
    public async Task SameItemResentInANewRequest_ReplacesIt()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId, quantity: 10));
        var second = await Samples.OrderAsync(Samples.OrderLine(orderId, quantity: 20));
        var stored = await Records.GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default);
        Assert.Contains("\"quantity\":20", stored!.Json);
        Assert.Equal(second, stored.RequestId);
    }

    [Fact]
    public async Task RejectedRequest_MayBeCorrectedUnderTheSameWebhookId()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        var webhookId = Samples.Unique("msg");
        using var bad = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", Samples.Json(Samples.Items(Samples.OrderLine(orderId, quantity: -3))), "application/json", webhookId);
        await Samples.Expect(bad, HttpStatusCode.BadRequest);
        using var good = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", Samples.Json(Samples.Items(Samples.OrderLine(orderId, quantity: 3))), "application/json", webhookId);
        await Samples.Expect(good, HttpStatusCode.Accepted);
    }
}
