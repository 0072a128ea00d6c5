using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Integration.Domain;

namespace Integration.Storage;

/// <summary>How an event sent to an orchestration was answered: applied or created, or the refusal's kind, code and detail.</summary>
public sealed record EventOutcome(OutcomeKind Kind, string? Code = null, string? Detail = null);

/// <summary>An instance (a complaint, a case) as its orchestration last recorded it (state JSON and version), with the answers to its recent events.</summary>
public sealed record InstanceRecord(string Json, int Version, IReadOnlyDictionary<string, EventOutcome> Outcomes);

/// <summary>
/// What the orchestrations of one kind (complaints, cases) record for reading (the API, the console, lists): a row per
/// instance, written only by its orchestration's activity (<c>state|{id}</c> in the instance's own partition of the
/// kind's table), with the answers to the last <see cref="OutcomesKept"/> events so that a request waits for and returns
/// its orchestration's own answer; and the open instances in an index (the <c>orchestrations</c> table, partition
/// <paramref name="index"/>, one row each, removed on close). The source of truth is the orchestration's history.
/// </summary>
public sealed class OrchestrationRecords(HubStorage storage, TableClient table, string index)
{
    public const int OutcomesKept = 32;

    /// <summary>The complaints' records: table <c>complaints</c>, index partition <c>complaints</c>.</summary>
    public static OrchestrationRecords Complaints(HubStorage storage) => new(storage, storage.Complaints, "complaints");

    /// <summary>The supervision cases' records: table <c>cases</c>, index partition <c>cases</c>.</summary>
    public static OrchestrationRecords Cases(HubStorage storage) => new(storage, storage.Cases, "cases");

    private string Index => index;

    /// <summary>
    /// The index column that says the instance runs on the Durable Task engine. Nothing reads it any more (it told the
    /// move from the engine before this one which instances were moved); it is still written so that the rows stay as
    /// they were and a hub of an earlier version started on them does not take every open instance for an old one.
    /// </summary>
    public const string EngineColumn = "Engine";

    public const string DurableEngine = "durable";

    private static string StateRow(string id) => $"state|{id}";

    public async Task<InstanceRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// Records an event's answer and, when <paramref name="stateJson"/> is given, the state it made (<paramref name="version"/>):
    /// a state older than the one recorded is not written back (an activity run again after a newer one). Keeps the open
    /// index when the instance opened or closed (<paramref name="wasOpen"/> to <paramref name="open"/>); an activity run
    /// again after a crash passes the same pair, so the index is written then too. A request of this process waiting for
    /// the event's answer (<see cref="WaitForOutcomeAsync"/>) is told at once.
    /// </summary>
    public async Task SaveAsync(string id, string? stateJson, int version, bool wasOpen, bool open, string eventId, EventOutcome outcome, CancellationToken cancellationToken)
    {
        var saved = await Conflicts.RetryAsync<InstanceRecord?>($"{Index} record {id}", async _ =>
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), cancellationToken: cancellationToken);
            var current = existing.HasValue ? Read(existing.Value!) : null;
            var outcomes = current?.Outcomes.Where(o => o.Key != eventId).TakeLast(OutcomesKept - 1).ToList() ?? [];
            outcomes.Add(new(eventId, outcome));
            var kept = outcomes.ToDictionary(o => o.Key, o => o.Value);
            var row = new TableEntity(id, StateRow(id)) { ["Outcomes"] = HubJson.Serialize(kept.ToDictionary(o => o.Key, o => StoredOutcome.Of(o.Value))) };
            var newer = stateJson is not null && (current is null || version >= current.Version);
            if (!newer && current is null) return null; // a refusal of an event to a complaint that was never created: nothing to keep
            var record = new InstanceRecord(newer ? stateJson! : current!.Json, newer ? version : current!.Version, kept);
            TableText.Write(row, "Data", record.Json);
            row["Version"] = record.Version;
            if (existing.HasValue) await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            else await table.AddEntityAsync(row, cancellationToken);
            return record;
        }, cancellationToken);
        if (saved is null) return;
        if (stateJson is not null && open != wasOpen)
        {
            if (open) await MarkOpenAsync(id, cancellationToken);
            else await ForgetAsync(id, cancellationToken);
        }
        if (waiting.TryRemove((id, eventId), out var waiter)) waiter.TrySetResult((outcome, saved));
    }

    /// <summary>The requests of this process waiting for an event's answer, by instance and event id.</summary>
    private readonly ConcurrentDictionary<(string Id, string EventId), TaskCompletionSource<(EventOutcome, InstanceRecord)>> waiting = new();

    /// <summary>Lists the instance among the open ones, as running on the Durable Task engine.</summary>
    public Task MarkOpenAsync(string id, CancellationToken cancellationToken) =>
        storage.Orchestrations.UpsertEntityAsync(new TableEntity(Index, id) { [EngineColumn] = DurableEngine }, TableUpdateMode.Replace, cancellationToken);

    public async Task ForgetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Orchestrations.DeleteEntityAsync(Index, id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Every instance's record, open or closed (a scan of the kind's table: for lists of a few thousand).</summary>
    public async IAsyncEnumerable<InstanceRecord> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"state|"} and RowKey lt {"state}"}"), cancellationToken: cancellationToken))
            yield return Read(row);
    }

    /// <summary>
    /// Waits for the orchestration to record its answer to the event, up to <paramref name="wait"/>: the answer and the
    /// record then, or null. An answer recorded by this process arrives at once; one recorded by another instance (its
    /// activity ran there) is found by reading the record every <see cref="AnswerPoll"/>.
    /// </summary>
    public async Task<(EventOutcome Outcome, InstanceRecord Record)?> WaitForOutcomeAsync(string id, string eventId, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = (id, eventId);
        var waiter = waiting.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            var started = time.GetTimestamp();
            while (true)
            {
                // Read first: the answer may have been recorded before this request began to wait.
                if (await GetAsync(id, cancellationToken) is { } record && record.Outcomes.TryGetValue(eventId, out var outcome)) return (outcome, record);
                var left = wait - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) return null;
                var pause = Task.Delay(left < AnswerPoll ? left : AnswerPoll, time, cancellationToken);
                if (await Task.WhenAny(waiter.Task, pause) == waiter.Task) return await waiter.Task;
                await pause;
            }
        }
        finally
        {
            waiting.TryRemove(KeyValuePair.Create(key, waiter));
        }
    }

    /// <summary>How often a request waiting for an answer recorded by another instance reads the record.</summary>
    public static readonly TimeSpan AnswerPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Marks an instance as waiting for something outside it (<paramref name="what"/>: a case's re-sent demand report by
    /// its party), found by <see cref="WaitingForAsync"/> with one query instead of a read of every open instance. A
    /// hint, not the truth: marked before the state that waits is saved, removed after the state that no longer waits
    /// is, and whoever reads it checks the state.
    /// </summary>
    public Task MarkWaitingAsync(string what, string id, CancellationToken cancellationToken) =>
        storage.Orchestrations.UpsertEntityAsync(new TableEntity(WaitingPartition(what), id), TableUpdateMode.Replace, cancellationToken);

    public async Task UnmarkWaitingAsync(string what, string id, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Orchestrations.DeleteEntityAsync(WaitingPartition(what), id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The instances marked as waiting for <paramref name="what"/>.</summary>
    public async Task<IReadOnlyList<string>> WaitingForAsync(string what, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var row in storage.Orchestrations.QueryAsync<TableEntity>(e => e.PartitionKey == WaitingPartition(what), select: ["RowKey"], cancellationToken: cancellationToken))
            ids.Add(row.RowKey);
        return ids;
    }

    private string WaitingPartition(string what) => $"{Index}~waiting|{what}";

    /// <summary>The ids of the open instances.</summary>
    public async IAsyncEnumerable<string> OpenIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in storage.Orchestrations.QueryAsync<TableEntity>(e => e.PartitionKey == Index, select: ["RowKey"], cancellationToken: cancellationToken))
            yield return row.RowKey;
    }

    private static InstanceRecord Read(TableEntity row) => new(
        TableText.Read(row, "Data"),
        row.GetInt32("Version") ?? 0,
        row.GetString("Outcomes") is { Length: > 0 } json
            ? HubJson.Deserialize<Dictionary<string, StoredOutcome>>(json).ToDictionary(o => o.Key, o => o.Value.ToOutcome())
            : new Dictionary<string, EventOutcome>());

    /// <summary>
    /// An outcome as the <c>Outcomes</c> column holds it: <c>{"status": n, "code", "detail"}</c>, the number being the
    /// one the API first answered with. The rows kept that shape from before outcomes carried a kind, so this table is
    /// the stored format's, read both ways; it is not how the API answers (the HTTP layer maps kinds itself).
    /// </summary>
    private sealed record StoredOutcome(int Status, string? Code, string? Detail)
    {
        private static readonly Dictionary<OutcomeKind, int> Codes = new()
        {
            [OutcomeKind.Applied] = 200,
            [OutcomeKind.Created] = 201,
            [OutcomeKind.Invalid] = 400,
            [OutcomeKind.Forbidden] = 403,
            [OutcomeKind.NotFound] = 404,
            [OutcomeKind.Conflict] = 409,
        };

        public static StoredOutcome Of(EventOutcome outcome) => new(Codes[outcome.Kind], outcome.Code, outcome.Detail);

        public EventOutcome ToOutcome() =>
            new(Codes.Single(c => c.Value == Status).Key, Code, Detail);
    }
}
