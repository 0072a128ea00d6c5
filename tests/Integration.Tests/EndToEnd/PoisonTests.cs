using System.Net;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// A message that keeps failing goes to the poison queue after 5 tries, is kept, raises an operator alert, and is
/// replayed with the documented command once the cause is fixed.
/// </summary>
public sealed class PoisonTests(HubFixture fixture)
{
    [Fact]
    public async Task FailingMessage_PoisonedAfterFiveTries_AlertRaised_ReplayedOnceFixed()
    {
        await using var world = await fixture.NewWorldAsync();
        var samples = new Samples(world);
        var partner = world.Province.PartnerFor(samples.Hospital.Code);
        var orderId = Samples.Unique("PO");
        var body = Samples.Json(Samples.Items(samples.OrderLine(orderId)));
        var webhookId = Samples.Unique("msg");
        var requestId = RequestIds.From(partner.PartnerId, webhookId);
        var blob = RawArchive.BlobName("orders", partner.PartnerId, requestId);

        // The message names a payload that is not there (the cause): every try fails.
        var message = HubJson.Serialize(new { partnerId = partner.PartnerId, requestId, blob });
        await world.Storage.Queue(world.Queue).SendMessageAsync(message, cancellationToken: TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        // Moving a message copies it to the poison queue, then deletes it: wait for both.
        while (await world.QueueDepthsAsync() is not (0, > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "The message did not reach the poison queue: " + world.Hub.Output);
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        Assert.Equal((0, 1), await world.QueueDepthsAsync());
        Assert.Equal(5, world.Hub.Output.Split('\n').Count(l => l.Contains("Function ProcessIngest failed", StringComparison.Ordinal)));

        using (var alerts = await world.Admin().GetAsync("/api/v1/alerts"))
        {
            var alert = (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray().Single(a => a!["id"]!.GetValue<string>().StartsWith("operator:poison:", StringComparison.Ordinal))!;
            Assert.Contains("replay-poison", alert["detail"]!.GetValue<string>());
            Assert.Equal(world.Queue, alert["facts"]!["queue"]!.GetValue<string>());
        }
        using (var operations = await world.Admin().GetAsync("/api/v1/admin/operations"))
            Assert.Equal(1, (await Samples.Expect(operations, HttpStatusCode.OK))["queues"]!.AsArray().Single(q => q!["queue"]!.GetValue<string>() == world.Queue)!["poison"]!.GetValue<int>());

        // Fix the cause: the payload is put where the message says, then the operator replays the poison queue.
        await new RawArchive(world.Storage).StoreOnceAsync(blob, new BinaryData(body),
            new RawMetadata(partner.PartnerId, PartnerRole.Hospital, samples.Hospital.Code, "orders", requestId, webhookId, RequestIds.BodyHash(body), DateTimeOffset.UtcNow, "application/json"), default);
        var (exitCode, output) = await world.RunCommandAsync("replay-poison", "--queue", world.Queue);
        Assert.True(exitCode == 0, output);
        Assert.Contains("replayed 1 message(s)", output);

        var status = await world.WaitProcessedAsync(new Load.PartnerClient(world.Hub.Http, partner.PartnerId, partner.Secret), requestId);
        Assert.Equal("processed", status["status"]!.GetValue<string>());
        Assert.NotNull(await new RecordStore(world.Storage).GetAsync(FeedKind.Orders, samples.Hospital.Code, $"order|{orderId}|1", default));
        Assert.Equal((0, 0), await world.QueueDepthsAsync());
    }
}
