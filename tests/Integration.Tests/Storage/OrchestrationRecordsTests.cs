using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Integration.Tests.Storage;

/// <summary>
/// The records complaints and cases keep for reading, on a real Azurite: a request waiting for its orchestration's answer
/// is woken by an answer recorded in its own process (one read, no polling) and finds one recorded by another instance by
/// reading again; the open index is written only when an instance opens or closes. The clock is fake: a wait that
/// relied on polling would never end unless the test moves it.
/// </summary>
public sealed class OrchestrationRecordsTests(HubFixture fixture) : IAsyncLifetime
{
    private HubStorage storage = null!;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 2, 0, 0, TimeSpan.Zero));
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public async ValueTask InitializeAsync()
    {
        storage = new HubStorage(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString, Prefix = "o" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync([], default);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private long TableRequests => storage.RequestCounts.Table;

    /// <summary>Starts a wait and returns once its first read of the record has been answered (nothing else reads meanwhile).</summary>
    private async Task<Task<(EventOutcome Outcome, InstanceRecord Record)?>> WaitingAsync(OrchestrationRecords records, string id, string eventId)
    {
        var before = TableRequests;
        var wait = records.WaitForOutcomeAsync(id, eventId, Wait, time, default);
        // The first read is sent, then its answer awaited: allow it a moment to come back before the answer is written.
        for (var i = 0; i < 200 && TableRequests == before; i++) await Task.Delay(10);
        Assert.Equal(before + 1, TableRequests);
        await Task.Delay(100);
        return wait;
    }

    [Fact]
    public async Task AnswerRecordedInThisProcess_WakesTheWaiter_WithOneRead()
    {
        var records = OrchestrationRecords.Complaints(storage);
        await records.SaveAsync("C1", """{"v":1}""", 1, false, true, "raise", new EventOutcome(OutcomeKind.Created), default);
        var wait = await WaitingAsync(records, "C1", "reply");
        Assert.False(wait.IsCompleted);

        var before = TableRequests;
        await records.SaveAsync("C1", """{"v":2}""", 2, true, true, "reply", new EventOutcome(OutcomeKind.Applied), default);
        var answered = await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(OutcomeKind.Applied, answered!.Value.Outcome.Kind);
        Assert.Equal(2, answered.Value.Record.Version);
        Assert.Equal("""{"v":2}""", answered.Value.Record.Json);
        // The save's read and write; the index already lists the open complaint; the waiter read nothing more.
        Assert.Equal(before + 2, TableRequests);
    }

    [Fact]
    public async Task AnswerRecordedByAnotherInstance_FoundByReadingAgain()
    {
        var here = OrchestrationRecords.Complaints(storage);
        var there = OrchestrationRecords.Complaints(storage);
        await there.SaveAsync("C2", """{"v":1}""", 1, false, true, "raise", new EventOutcome(OutcomeKind.Created), default);
        var wait = await WaitingAsync(here, "C2", "resolve");

        await there.SaveAsync("C2", """{"v":2}""", 2, true, true, "resolve", new EventOutcome(OutcomeKind.Conflict, "conflict", "no"), default);
        await Task.Delay(200);
        Assert.False(wait.IsCompleted);
        time.Advance(OrchestrationRecords.AnswerPoll);
        var answered = await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal((OutcomeKind.Conflict, "conflict"), (answered!.Value.Outcome.Kind, answered.Value.Outcome.Code));
    }

    [Fact]
    public async Task NoAnswerWithinTheWait_Null()
    {
        var records = OrchestrationRecords.Complaints(storage);
        var wait = await WaitingAsync(records, "C3", "raise");
        for (var i = 0; i < 100 && !wait.IsCompleted; i++)
        {
            time.Advance(OrchestrationRecords.AnswerPoll);
            await Task.Delay(50);
        }
        Assert.Null(await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenIndex_WrittenWhenAnInstanceOpensOrCloses()
    {
        var records = OrchestrationRecords.Complaints(storage);
        async Task<bool> ListedAsync()
        {
            await foreach (var id in records.OpenIdsAsync(default))
                if (id == "C4") return true;
            return false;
        }

        await records.SaveAsync("C4", """{"v":1}""", 1, false, true, "raise", new EventOutcome(OutcomeKind.Created), default);
        Assert.True(await ListedAsync());
        await records.SaveAsync("C4", """{"v":2}""", 2, true, false, "confirm", new EventOutcome(OutcomeKind.Applied), default);
        Assert.False(await ListedAsync());
        await records.SaveAsync("C4", """{"v":3}""", 3, false, true, "reopen", new EventOutcome(OutcomeKind.Applied), default);
        Assert.True(await ListedAsync());
    }

    [Fact]
    public async Task Outcomes_KeepTheirStoredShape_ReadAsKinds()
    {
        // Rows written before outcomes carried a kind hold the answer's number; they read as the same kinds, and new rows are written the same way.
        await storage.Complaints.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("C5", "state|C5")
        {
            ["Data"] = """{"v":1}""",
            ["Version"] = 1,
            ["Outcomes"] = """{"raise":{"status":201},"reply":{"status":409,"code":"not-awaiting-reply","detail":"no"}}""",
        }, Azure.Data.Tables.TableUpdateMode.Replace, TestContext.Current.CancellationToken);
        var records = OrchestrationRecords.Complaints(storage);
        var read = await records.GetAsync("C5", default);
        Assert.Equal(new EventOutcome(OutcomeKind.Created), read!.Outcomes["raise"]);
        Assert.Equal(new EventOutcome(OutcomeKind.Conflict, "not-awaiting-reply", "no"), read.Outcomes["reply"]);

        await records.SaveAsync("C5", """{"v":2}""", 2, true, true, "resolve", new EventOutcome(OutcomeKind.Applied), default);
        var row = await storage.Complaints.GetEntityAsync<Azure.Data.Tables.TableEntity>("C5", "state|C5", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"raise":{"status":201},"reply":{"status":409,"code":"not-awaiting-reply","detail":"no"},"resolve":{"status":200}}""", row.Value.GetString("Outcomes"));
    }
}
