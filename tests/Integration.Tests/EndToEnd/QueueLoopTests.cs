using System.Net;
using Azure.Data.Tables;
using Integration.Domain.Feeds;

namespace Integration.Tests.EndToEnd;

/// <summary>The standalone queue loop: instances on one storage account compete for messages; each request is processed.</summary>
public sealed class QueueLoopTests(HubFixture fixture)
{
    [Fact]
    public async Task TwoInstances_ShareTheWork_EveryRequestProcessedAndEveryItemStoredOnce()
    {
        await using var world = await fixture.NewWorldAsync();
        var second = await world.StartHubAsync();
        var samples = new Samples(world);
        var hospitals = world.Province.OrderingInstitutions.Take(8).ToList();
        var sent = new List<(string Hospital, string PartnerId, string RequestId, string OrderId)>();
        // In waves further apart than the longest polling interval (2 s), so that both instances are polling when work
        // comes, each wave more than two batches (16 messages), so that one instance cannot take a whole wave at once.
        const int perWave = 36;
        for (var wave = 0; wave < 4; wave++)
        {
            if (wave > 0) await Task.Delay(2500, TestContext.Current.CancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(wave * perWave, perWave), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
        {
            var hospital = hospitals[i % hospitals.Count];
            var hub = i % 2 == 0 ? world.Hubs[0] : second;
            var client = world.Client(hospital.Code, hub);
            var orderId = Samples.Unique("PO");
            var product = world.Province.Agreements.First(a => a.Hospital == hospital.Code).Product;
            using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(
                samples.OrderLine(orderId, 1, product: product, distributor: world.Province.DistributorOf(hospital)),
                samples.OrderLine(orderId, 2, product: product, distributor: world.Province.DistributorOf(hospital))), cancellationToken: ct);
            var body = await Samples.Expect(response, HttpStatusCode.Accepted);
            lock (sent) sent.Add((hospital.Code, client.PartnerId, body["requestId"]!.GetValue<string>(), orderId));
        });
        }

        var processedBy = new HashSet<string>();
        foreach (var (hospital, partnerId, requestId, _) in sent)
        {
            var partner = world.Province.Partners.Single(p => p.PartnerId == partnerId);
            await world.WaitProcessedAsync(new Load.PartnerClient(world.Hubs[0].Http, partnerId, partner.Secret), requestId);
            var record = await new Integration.Storage.RequestLog(world.Storage).GetAsync(partnerId, requestId, default);
            processedBy.Add(record!.ProcessedBy!);
        }
        Assert.Equal([world.Hubs[0].InstanceId, second.InstanceId], processedBy.Order());

        var rows = new List<TableEntity>();
        await foreach (var row in world.Storage.Feeds[FeedKind.Orders].QueryAsync<TableEntity>(e => e.RowKey.CompareTo("order|") > 0 && e.RowKey.CompareTo("order}") < 0))
            rows.Add(row);
        Assert.Equal(4 * perWave * 2, rows.Count);
        Assert.Equal(sent.Select(s => s.OrderId).Order(), rows.Select(r => r.RowKey.Split('|')[1]).Distinct().Order());
    }
}
