using Integration.Storage;

namespace Integration.Tests.Storage;

/// <summary>
/// The delivery batches on a real Azurite: a fan-out done again records nothing twice and re-sends only what was never
/// attempted; a change made on an old reading of a delivery loses to the one made since.
/// </summary>
public sealed class AlertDeliveryStoreTests(HubFixture fixture) : IAsyncLifetime
{
    private HubStorage storage = null!;
    private AlertDeliveryStore deliveries = null!;
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);

    public async ValueTask InitializeAsync()
    {
        storage = new HubStorage(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString, Prefix = "d" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync([], default);
        deliveries = new AlertDeliveryStore(storage);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static AlertDelivery New(int i) => new("sub", $"alert/{i}@1", $"alert/{i}", AlertDeliveryStatus.Pending, 0, T0);

    private static DeliveryBatch Batch(string run, int n, int from, int count) =>
        new("sub", AlertDeliveryStore.RunBatch(run, n), [.. Enumerable.Range(from, count).Select(New)]);

    [Fact]
    public async Task AFanOutDoneAgain_RecordsEachBatchOnce_AndReturnsOnlyThoseNeverAttempted()
    {
        // 150 batches: more than one transaction of rows (100).
        var first = Enumerable.Range(0, 150).Select(n => Batch("run1", n, 2 * n, 2)).ToList();
        Assert.Equal(150, (await deliveries.AddAsync("sub", first, default)).Count);
        // One delivery of batch 3 was attempted since; the fan-out runs again (a crash before the run ended).
        var attempted = first[3].Deliveries[1];
        Assert.Single(await deliveries.ChangeAsync("sub", first[3].Id, [new DeliveryChange(attempted, attempted with { Status = AlertDeliveryStatus.Retrying, Attempts = 1 })], default));
        var again = await deliveries.AddAsync("sub", [.. first, Batch("run1", 150, 300, 2)], default);

        Assert.Equal(150, again.Count);
        Assert.DoesNotContain(again, b => b.Id == first[3].Id);
        Assert.Contains(again, b => b.Id == AlertDeliveryStore.RunBatch("run1", 150));
        var rows = await deliveries.ListAsync("sub", null, default);
        Assert.Equal(302, rows.Count);
        Assert.Equal(302, rows.Select(d => d.EventId).Distinct().Count());
        Assert.Equal(AlertDeliveryStatus.Retrying, rows.Single(d => d.EventId == attempted.EventId).Status);
        Assert.Equal([attempted.EventId], (await deliveries.ListAsync("sub", AlertDeliveryStatus.Retrying, default)).Select(d => d.EventId));
    }

    [Fact]
    public async Task AChangeMadeOnAnOldReading_LosesToTheChangeMadeSince_AndTheOthersOfTheBatchStillChange()
    {
        var batch = Batch("run1", 0, 1, 2);
        await deliveries.AddAsync("sub", [batch], default);
        var read = Assert.Single(await deliveries.BatchesAsync("sub", null, default));
        // An attempt delivers one of them after they were read.
        var one = read.Deliveries[0];
        await deliveries.ChangeAsync("sub", read.Id, [new DeliveryChange(one, one with { Status = AlertDeliveryStatus.Delivered, Attempts = 1 })], default);
        // A change of both made on the old reading (its row version is stale too): only the untouched one changes.
        var made = await deliveries.ChangeAsync("sub", read.Id, [.. read.Deliveries.Select(d => new DeliveryChange(d, d with { Status = AlertDeliveryStatus.Dead, LastError = "test" }))], default, read);

        Assert.Equal([read.Deliveries[1].EventId], made.Select(d => d.EventId));
        var rows = (await deliveries.ListAsync("sub", null, default)).ToDictionary(d => d.EventId, d => d.Status);
        Assert.Equal(AlertDeliveryStatus.Delivered, rows[one.EventId]);
        Assert.Equal(AlertDeliveryStatus.Dead, rows[read.Deliveries[1].EventId]);
        Assert.Single(await deliveries.BatchesAsync("sub", AlertDeliveryStatus.Dead, default));
        Assert.Empty(await deliveries.BatchesAsync("sub", AlertDeliveryStatus.Pending, default));
    }

    [Fact]
    public async Task AnAlertsDeliveries_AreFoundThroughTheRunsThatCarriedIt_AndABatchLongerThanAColumnKeepsEveryDelivery()
    {
        // Long errors: the batch's text spans several table properties.
        var long1 = Batch("run1", 0, 0, 100) with { Subscription = "a" };
        long1 = long1 with { Deliveries = [.. long1.Deliveries.Select(d => d with { Subscription = "a", LastError = new string('e', 500) })] };
        await deliveries.AddAsync("a", [long1, Batch("run2", 0, 7, 1)], default);
        await deliveries.AddAsync("b", [Batch("run1", 0, 7, 1), Batch("run1", 1, 8, 1)], default);

        Assert.Equal(100, (await deliveries.ListAsync("a", null, default)).Count(d => d.LastError?.Length == 500));
        var found = await deliveries.OfAlertAsync(["a", "b"], ["run1", "run2"], "alert/7", default);
        Assert.Equal(["a", "a", "b"], found.Select(d => d.Subscription).Order(StringComparer.Ordinal));
        Assert.Equal(["b"], (await deliveries.OfAlertAsync(["b"], ["run1"], "alert/7", default)).Select(d => d.Subscription));
        Assert.Empty(await deliveries.OfAlertAsync(["a", "b"], ["run3"], "alert/7", default));
    }
}
