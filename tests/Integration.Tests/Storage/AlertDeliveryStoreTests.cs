using Integration.Storage;

namespace Integration.Tests.Storage;

/// <summary>The delivery rows on a real Azurite: a fan-out done again records nothing twice and re-sends only what never went further.</summary>
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

    private static AlertDelivery New(int i) =>
        new("sub", $"alert/{i}@1", $"alert/{i}", AlertDeliveryStatus.Pending, 0, T0) { Event = $"{{\"id\":\"evt_{i}\",\"data\":\"{new string('x', 2000)}\"}}" };

    [Fact]
    public async Task AFanOutDoneAgain_RecordsEachDeliveryOnce_AndReturnsOnlyThoseThatNeverWentFurther()
    {
        var first = Enumerable.Range(0, 150).Select(New).ToList();
        Assert.Equal(150, (await deliveries.AddAsync("sub", first, default)).Count);
        // Some were attempted since (delivered, retrying); the fan-out runs again with more events (a crash before the outbox was cleared).
        await deliveries.UpdateAsync("sub", [first[3] with { Status = AlertDeliveryStatus.Delivered, Attempts = 1, Event = null }, first[120] with { Status = AlertDeliveryStatus.Retrying, Attempts = 1, Event = null }], default);
        var again = await deliveries.AddAsync("sub", [.. Enumerable.Range(0, 230).Select(New)], default);

        Assert.Equal(228, again.Count);
        Assert.DoesNotContain(again, d => d.EventId is "alert/3@1" or "alert/120@1");
        var rows = await deliveries.ListAsync("sub", null, null, default, withEvents: true);
        Assert.Equal(230, rows.Count);
        Assert.Equal(AlertDeliveryStatus.Delivered, rows.Single(d => d.EventId == "alert/3@1").Status);
        // A status update leaves the body as it was.
        Assert.Equal(New(3).Event, rows.Single(d => d.EventId == "alert/3@1").Event);
    }

    [Fact]
    public async Task AnUpdateGivenTheVersionItRead_LosesToAChangeMadeSince()
    {
        await deliveries.AddAsync("sub", [New(1), New(2)], default);
        var read = await deliveries.ListAsync("sub", null, null, default);
        // An attempt delivers one of them after they were read.
        await deliveries.UpdateAsync("sub", [New(1) with { Status = AlertDeliveryStatus.Delivered, Attempts = 1, Event = null }], default);
        await deliveries.UpdateAsync("sub", [.. read.Select(d => d with { Status = AlertDeliveryStatus.Dead, LastError = "test" })], default);

        var rows = (await deliveries.ListAsync("sub", null, null, default)).ToDictionary(d => d.EventId, d => d.Status);
        Assert.Equal(AlertDeliveryStatus.Delivered, rows["alert/1@1"]);
        Assert.Equal(AlertDeliveryStatus.Dead, rows["alert/2@1"]);
    }
}
