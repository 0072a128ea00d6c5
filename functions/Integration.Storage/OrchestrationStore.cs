using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>An effect a transition owes the world (a notification, a timer, a figure), kept until it is done.</summary>
public sealed record OutboxItem(string Id, string Kind, string Payload);

/// <summary>An instance's state as stored, with the ETag that guards the next transition.</summary>
public sealed record StoredInstance(string Json, ETag ETag);

public enum CommitOutcome { Committed, Conflict }

/// <summary>
/// The instances of one kind of orchestration (a table per kind, a partition per instance): the state row, a marker per
/// event applied (<c>evt|id</c>) and the effects not yet done (<c>outbox|id</c>). A transition writes all three in one
/// ETag-guarded transaction, so it happens once or not at all. Beside it, an index partition lists the open instances
/// and when each needs looking at, for the sweep.
/// </summary>
public sealed class OrchestrationStore(TableClient instances, TableClient index, string kind)
{
    private const string StateRow = "state";

    public string Kind => kind;

    public async Task<StoredInstance?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, StateRow, cancellationToken: cancellationToken);
        return row.HasValue ? new StoredInstance(row.Value!.GetString("Data"), row.Value.ETag) : null;
    }

    /// <summary>True when the event was applied to the instance already.</summary>
    public async Task<bool> HasSeenAsync(string id, string eventId, CancellationToken cancellationToken)
    {
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, Key("evt", eventId), ["RowKey"], cancellationToken);
        return row.HasValue;
    }

    /// <summary>
    /// Writes a transition: the new state (created when <paramref name="expected"/> is null, else only over that ETag),
    /// the event's marker and the pending effects, in one transaction. Conflict when another writer got there first.
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(string id, ETag? expected, string stateJson, string eventId, IReadOnlyList<OutboxItem> outbox, CancellationToken cancellationToken)
    {
        var state = new TableEntity(id, StateRow) { ["Data"] = stateJson };
        List<TableTransactionAction> actions =
        [
            expected is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, state),
            new(TableTransactionActionType.Add, new TableEntity(id, Key("evt", eventId))),
            .. outbox.Select(o => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(id, Key("outbox", o.Id)) { ["Kind"] = o.Kind, ["Payload"] = o.Payload })),
        ];
        try
        {
            await TableBatch.SubmitAsync(instances, actions, cancellationToken);
            return CommitOutcome.Committed;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return CommitOutcome.Conflict;
        }
    }

    /// <summary>The effects still owed (a range of the instance's partition; only the sweep needs it).</summary>
    public async Task<IReadOnlyList<OutboxItem>> PendingAsync(string id, CancellationToken cancellationToken)
    {
        var list = new List<OutboxItem>();
        await foreach (var row in instances.QueryAsync<TableEntity>(
            e => e.PartitionKey == id && e.RowKey.CompareTo("outbox|") >= 0 && e.RowKey.CompareTo("outbox}") < 0, cancellationToken: cancellationToken))
            list.Add(new OutboxItem(row.RowKey["outbox|".Length..], row.GetString("Kind"), row.GetString("Payload")));
        return list;
    }

    /// <summary>Marks an effect done. Doing it twice is harmless.</summary>
    public async Task CompleteAsync(string id, string outboxId, CancellationToken cancellationToken)
    {
        try
        {
            await instances.DeleteEntityAsync(id, Key("outbox", outboxId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Notes when the sweep should look at the instance next (now, before a transition; its timer's due time after).</summary>
    public Task CheckAtAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        index.UpsertEntityAsync(new TableEntity(kind, id) { ["NextCheckAt"] = at }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The instance needs no more looking at (it is closed and owes nothing).</summary>
    public async Task ForgetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await index.DeleteEntityAsync(kind, id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The instances whose check time has come.</summary>
    public async Task<IReadOnlyList<string>> DueForCheckAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var list = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind} and NextCheckAt le {now}");
        await foreach (var row in index.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            list.Add(row.RowKey);
            if (list.Count >= max) break;
        }
        return list;
    }

    /// <summary>How many instances are open (in the index).</summary>
    public async Task<int> OpenCountAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in index.QueryAsync<TableEntity>(e => e.PartitionKey == kind, select: ["RowKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    private static string Key(string prefix, string id) => $"{prefix}|{id}";
}
