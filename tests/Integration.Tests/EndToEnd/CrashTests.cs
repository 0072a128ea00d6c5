using System.Net;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Load;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// Killing the process at any point loses no accepted request and counts nothing twice: the hub dies at named points
/// (Hub:Faults:CrashAt, Development only) or at random moments, partners retry as they must, and the tables end up
/// exactly as if nothing had happened.
/// </summary>
public sealed class CrashTests(HubFixture fixture)
{
    public static TheoryData<string> IntakePoints => ["intake.stored", "intake.queued", "intake.recorded"];

    [Theory]
    [MemberData(nameof(IntakePoints))]
    public async Task CrashDuringIntake_RetryWithTheSameWebhookId_IsAcceptedAndAppliedOnce(string point)
    {
        var world = fixture.World;
        var samples = new Samples(world);
        var faulty = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = point });
        var orderId = Samples.Unique("PO");
        var body = Samples.Json(Samples.Items(samples.OrderLine(orderId, 1, 30), samples.OrderLine(orderId, 2, 40)));
        var webhookId = Samples.Unique("msg");

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => world.Client(samples.Hospital.Code, faulty).SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId));
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains($"Fault injected at {point}", faulty.Output);

        var client = world.Client(samples.Hospital.Code);
        using var retry = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId);
        var answer = await Samples.Expect(retry, HttpStatusCode.Accepted);
        var requestId = answer["requestId"]!.GetValue<string>();
        Assert.Equal(RequestIds.From(client.PartnerId, webhookId), requestId);
        await world.WaitProcessedAsync(client, requestId);

        var records = new RecordStore(world.Storage);
        var line = await records.GetAsync(FeedKind.Orders, samples.Hospital.Code, $"order|{orderId}|2", default);
        Assert.Equal(requestId, line!.RequestId);
        Assert.Contains("\"quantity\":40", line.Json);
        using var again = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json", webhookId);
        Assert.Equal(answer.ToJsonString(), (await Samples.Expect(again, HttpStatusCode.Accepted)).ToJsonString());
    }

    public static TheoryData<string> ProcessingPoints => ["process.read", "process.recorded", "process.applied"];

    [Theory]
    [MemberData(nameof(ProcessingPoints))]
    public async Task CrashDuringProcessing_MessageReappears_AnotherInstanceFinishesIt(string point)
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = point });
        var samples = new Samples(world);
        var faulty = world.Hubs[0];
        var orderId = Samples.Unique("PO");
        var client = world.Client(samples.Hospital.Code, faulty);
        using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(samples.OrderLine(orderId, 1, 30)));
        var requestId = (await Samples.Expect(response, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>();
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains($"Fault injected at {point}", faulty.Output);

        var healthy = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        var status = await world.WaitProcessedAsync(world.Client(samples.Hospital.Code, healthy), requestId);
        Assert.Equal(healthy.InstanceId, (await new RequestLog(world.Storage).GetAsync(client.PartnerId, requestId, default))!.ProcessedBy);
        Assert.Equal("processed", status["status"]!.GetValue<string>());
        var line = await new RecordStore(world.Storage).GetAsync(FeedKind.Orders, samples.Hospital.Code, $"order|{orderId}|1", default);
        Assert.Equal(requestId, line!.RequestId);
        // In its distributor's list once, whether the crash came before its index row was written or after.
        var records = new RecordStore(world.Storage);
        var assigned = await new AssignedLineStore(world.Storage, records).ListAsync(samples.Distributor, null, null, 1000, default);
        Assert.Single(assigned, a => a.Line.OrderId == orderId);
    }

    [Fact]
    public async Task KilledAtRandomMoments_EveryAcceptedItemEndsUpStored_LatestVersionWins()
    {
        await using var world = await fixture.NewWorldAsync();
        var port = Repo.FreePort();
        world.Hubs[0].Kill();
        var hub = await world.StartHubAsync(port: port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var hospitals = world.Province.OrderingInstitutions.Take(6).ToList();
        var samples = new Samples(world);
        var expected = new Dictionary<(string Hospital, string Key), decimal>();

        var sending = Task.Run(async () =>
        {
            for (var round = 0; round < 4; round++)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, ct) =>
                {
                    var hospital = hospitals[i % hospitals.Count];
                    var partner = world.Province.PartnerFor(hospital.Code);
                    var client = new PartnerClient(http, partner.PartnerId, partner.Secret);
                    var product = world.Province.Agreements.First(a => a.Hospital == hospital.Code).Product;
                    var orderId = $"PO-CHAOS-{i:D3}";
                    var lines = Enumerable.Range(1, 10).Select(n => samples.OrderLine(orderId, n, quantity: 100 * round + n, product: product, distributor: world.Province.DistributorOf(hospital))).ToArray();
                    using var response = await client.SendReliablyAsync(HttpMethod.Post, "/api/v1/orders", Samples.Json(Samples.Items(lines)), "application/json", $"chaos-{round}-{i}", ct);
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    lock (expected)
                        for (var n = 1; n <= 10; n++) expected[(hospital.Code, $"order|{orderId}|{n}")] = 100 * round + n;
                });
            }
        });

        // Four kills at random moments, whatever the hub is doing (taking requests in, writing tables); the partners retry.
        for (var kill = 0; kill < 4; kill++)
        {
            await Task.Delay(Random.Shared.Next(150, 700));
            hub.Kill();
            hub = await world.StartHubAsync(port: port);
        }
        await sending;

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await world.QueueDepthsAsync()) != (0, 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "The queue did not drain: " + hub.Output);
            await Task.Delay(250);
        }
        var stored = new Dictionary<(string, string), decimal>();
        await foreach (var row in world.Storage.Feeds[FeedKind.Orders].QueryAsync<TableEntity>(e => e.RowKey.CompareTo("order|") > 0 && e.RowKey.CompareTo("order}") < 0))
            stored[(row.PartitionKey, row.RowKey)] = HubJson.Deserialize<OrderLine>(row.GetString("Data")).Quantity;
        Assert.Equal(expected.OrderBy(e => e.Key).ToList(), stored.OrderBy(e => e.Key).ToList());
    }
}
