using Integration.Storage;

namespace Integration.Tests.Storage;

/// <summary>The request log on a real Azurite: a request processed before the intake recorded it says when and by whom.</summary>
public sealed class RequestLogTests(HubFixture fixture) : IAsyncLifetime
{
    private RequestLog log = null!;

    public async ValueTask InitializeAsync()
    {
        var storage = new HubStorage(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString, Prefix = "r" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync([], default);
        log = new RequestLog(storage);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static RequestRecord Accepted(string id) =>
        new("hospital-1", id, "wh-" + id, "hash", "orders", 202, RequestRecord.AcceptedResponse(id, 2), new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.Zero)) { Items = 2 };

    [Fact]
    public async Task ProcessedBeforeTheIntakeRecordedIt_TheRecordSaysWhenAndByWhom_AndTheIntakeFindsIt()
    {
        var at = new DateTimeOffset(2026, 11, 29, 1, 0, 1, TimeSpan.Zero);
        await log.MarkProcessedAsync(Accepted("req-1"), at, "hub-b", default);
        Assert.False(await log.TryAddAsync(Accepted("req-1"), default));

        var record = await log.GetAsync("hospital-1", "req-1", default);
        Assert.Equal((RequestStatus.Processed, at, "hub-b", 2), (record!.Status, record.ProcessedAt, record.ProcessedBy, record.Items));
    }

    [Fact]
    public async Task ProcessedAfterTheIntakeRecordedIt_TheRecordSaysWhenAndByWhom()
    {
        var at = new DateTimeOffset(2026, 11, 29, 1, 0, 2, TimeSpan.Zero);
        Assert.True(await log.TryAddAsync(Accepted("req-2"), default));
        await log.MarkProcessedAsync(Accepted("req-2"), at, "hub-a", default);

        var record = await log.GetAsync("hospital-1", "req-2", default);
        Assert.Equal((RequestStatus.Processed, at, "hub-a"), (record!.Status, record.ProcessedAt, record.ProcessedBy));
    }
}
