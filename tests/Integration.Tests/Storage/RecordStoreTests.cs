using Azure.Data.Tables;
using Integration.Domain.Feeds;
using Integration.Domain.Monitoring;
using Integration.Storage;

namespace Integration.Tests.Storage;

/// <summary>The records table's versioning on a real Azurite: newer wins, older and repeated writes change nothing, racing writers agree.</summary>
public sealed class RecordStoreTests(HubFixture fixture) : IAsyncLifetime
{
    private HubStorage storage = null!;
    private RecordStore records = null!;
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync()
    {
        storage = new HubStorage(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString, Prefix = "r" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync([], default);
        records = new RecordStore(storage);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly Integration.Domain.Master.MasterData Master = new([], [], [],
        [new("B1", "Batch", Integration.Domain.Master.ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null)],
        [new("P1", "Product", "G1", "B1", true, "M1", "tablet", 10, 1m, null)]);

    private static readonly Contribute Contribute = (item, basis) => Contributions.Of(item, basis, Master, new MonitoringOptions());

    private async Task<long> AggregateAsync(string field, string hospital = "H1") =>
        (await records.ReadCellsAsync(hospital, default)).Get(Cells.Key("2026-11", "P1"), field);

    private static OrderLine Line(decimal quantity, int lineNo = 1) => new("H1", "PO-1", lineNo, "P1", quantity, 1m, "online", "D1", T0);

    private async Task<decimal> QuantityAsync(int lineNo = 1) =>
        Integration.Domain.HubJson.Deserialize<OrderLine>((await records.GetAsync(FeedKind.Orders, "H1", $"order|PO-1|{lineNo}", default))!.Json).Quantity;

    [Fact]
    public async Task Apply_NewerVersion_Replaces_OlderVersionAfterwards_ChangesNothing()
    {
        var older = RecordStore.Version(T0, "a");
        var newer = RecordStore.Version(T0.AddSeconds(1), "b");
        await records.ApplyAsync(FeedKind.Orders, [Line(10)], older, Contribute, default);
        var second = await records.ApplyAsync(FeedKind.Orders, [Line(20)], newer, Contribute, default);
        Assert.Single(second.Written);
        var late = await records.ApplyAsync(FeedKind.Orders, [Line(10)], older, Contribute, default);
        Assert.Empty(late.Written);
        Assert.Equal(1, late.Skipped);
        Assert.Equal(20m, await QuantityAsync());
        Assert.Equal(Fixed.Of(20), await AggregateAsync(Cells.OrderedQty));
        Assert.Equal(1, await AggregateAsync(Cells.OrderLines));
    }

    [Fact]
    public async Task Apply_SameVersionTwice_WritesOnce()
    {
        var version = RecordStore.Version(T0, "a");
        Assert.Equal(2, (await records.ApplyAsync(FeedKind.Orders, [Line(1, 1), Line(2, 2)], version, Contribute, default)).Written.Count);
        var again = await records.ApplyAsync(FeedKind.Orders, [Line(1, 1), Line(2, 2)], version, Contribute, default);
        Assert.Empty(again.Written);
        Assert.Equal(2, again.Skipped);
        Assert.Equal(Fixed.Of(3), await AggregateAsync(Cells.OrderedQty));
        Assert.Equal(2, await AggregateAsync(Cells.OrderLines));
    }

    [Fact]
    public async Task Apply_ManyVersionsRacing_TheNewestEndsUpStored()
    {
        var versions = Enumerable.Range(1, 12).Select(i => (Quantity: (decimal)i, Version: RecordStore.Version(T0.AddSeconds(i), $"r{i:D2}"))).ToList();
        await Parallel.ForEachAsync(versions.OrderBy(_ => Random.Shared.Next()), new ParallelOptions { MaxDegreeOfParallelism = 12 },
            async (v, ct) => await records.ApplyAsync(FeedKind.Orders, [Line(v.Quantity)], v.Version, Contribute, ct));
        Assert.Equal(12m, await QuantityAsync());
        Assert.Equal(Fixed.Of(12), await AggregateAsync(Cells.OrderedQty));
        Assert.Equal(1, await AggregateAsync(Cells.OrderLines));
    }

    [Fact]
    public async Task Apply_ManyRequestsOfOneInstitutionRacing_CountEveryLineOnce()
    {
        // 20 requests of 30 lines each, 8 at a time, on the same aggregate rows: every transaction is ETag-guarded.
        var requests = Enumerable.Range(0, 20).Select(r => Enumerable.Range(1, 30).Select(i => Line(i, r * 100 + i)).ToList()).ToList();
        await Parallel.ForEachAsync(requests.Select((items, r) => (items, r)), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (x, ct) => await records.ApplyAsync(FeedKind.Orders, x.items, RecordStore.Version(T0, $"r{x.r:D2}"), Contribute, ct));
        Assert.Equal(600, await AggregateAsync(Cells.OrderLines));
        Assert.Equal(Fixed.Of(20 * (30 * 31 / 2)), await AggregateAsync(Cells.OrderedQty));
    }

    [Fact]
    public async Task Apply_ItemsOfSeveralInstitutions_EachInItsPartition_WithAnOrderHeader()
    {
        var items = Enumerable.Range(1, 250).Select(i => new OrderLine($"H{i % 3}", $"PO-{i / 7}", i, "P1", i, 1m, "online", "D1", T0)).ToList();
        var result = await records.ApplyAsync(FeedKind.Orders, items, RecordStore.Version(T0, "a"), Contribute, default);
        Assert.Equal(250, result.Written.Count);
        Assert.True(await records.OrderExistsAsync("H1", "PO-3", default));
        Assert.False(await records.OrderExistsAsync("H1", "PO-999", default));
        var rows = 0;
        await foreach (var _ in storage.Feeds[FeedKind.Orders].QueryAsync<TableEntity>(e => e.PartitionKey == "H2")) rows++;
        Assert.True(rows > 83);
    }
}
