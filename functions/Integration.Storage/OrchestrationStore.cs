using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>An effect a transition owes the world (a notification, a timer, a figure). Its id is stable, and doing it twice is harmless.</summary>
public sealed record OutboxItem(string Id, string Kind, string Payload);

/// <summary>An instance's state as stored, the effects of its last transition, and the ETag that guards the next transition.</summary>
public sealed record StoredInstance(string Json, IReadOnlyList<OutboxItem> Effects, ETag ETag);

public enum CommitOutcome { Committed, Conflict }

/// <summary>An instance whose check time has come; <paramref name="DoneFor"/> names the state whose effects are done.</summary>
public sealed record DueInstance(string Id, string? DoneFor);

/// <summary>
/// The instances of one kind of orchestration (a table per kind, a partition per instance). The state row holds the
/// state and the effects of the transition that made it (the outbox); an event that must not apply twice leaves a
/// marker row (<c>evt|id</c>) written in the same transaction. Every write is guarded by the ETag it read, so a
/// transition happens once or not at all. Beside it, an index partition lists the open instances and when each needs
/// looking at: before a transition "now", after its effects are done the next timer's due time. The sweep looks at
/// the instances whose time has come and does their effects again (idempotent), which is how a crash between a
/// transition and its effects is repaired.
/// </summary>
public sealed class OrchestrationStore(TableClient instances, TableClient index, string kind)
{
    /// <summary>
    /// The state row's key: <c>state|{id}</c> rather than a constant, because Azurite looks an entity up through its
    /// RowKey index first, and a RowKey shared by every instance made each point read a scan of the whole table.
    /// </summary>
    private static string StateRow(string id) => Key("state", id);

    public string Kind => kind;

    public async Task<StoredInstance?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), cancellationToken: cancellationToken);
        if (!row.HasValue) return null;
        var effects = row.Value!.GetString("Effects") is { Length: > 0 } json ? Integration.Domain.HubJson.Deserialize<OutboxItem[]>(json) : [];
        return new StoredInstance(TableText.Read(row.Value, "Data"), effects, row.Value.ETag);
    }

    /// <summary>True when the event was applied to the instance already.</summary>
    public async Task<bool> HasSeenAsync(string id, string eventId, CancellationToken cancellationToken)
    {
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(id, Key("evt", eventId), ["RowKey"], cancellationToken);
        return row.HasValue;
    }

    /// <summary>
    /// Writes a transition: the new state with its effects (created when <paramref name="expected"/> is null, else only
    /// over that ETag), and, when <paramref name="eventId"/> is given, the event's marker in the same transaction.
    /// Conflict when another writer got there first.
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(string id, ETag? expected, string stateJson, IReadOnlyList<OutboxItem> effects, string? eventId, CancellationToken cancellationToken)
    {
        var state = new TableEntity(id, StateRow(id)) { ["Effects"] = Integration.Domain.HubJson.Serialize(effects) };
        TableText.Write(state, "Data", stateJson);
        try
        {
            if (eventId is null)
            {
                if (expected is { } etag) await instances.UpdateEntityAsync(state, etag, TableUpdateMode.Replace, cancellationToken);
                else await instances.AddEntityAsync(state, cancellationToken);
            }
            else
            {
                await TableBatch.SubmitAsync(instances,
                [
                    expected is { } etag
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag)
                        : new TableTransactionAction(TableTransactionActionType.Add, state),
                    new(TableTransactionActionType.Add, new TableEntity(id, Key("evt", eventId))),
                ], cancellationToken);
            }
            return CommitOutcome.Committed;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return CommitOutcome.Conflict;
        }
    }

    /// <summary>
    /// Notes when the sweep should look at the instance next: soon before a transition (<paramref name="doneFor"/>
    /// null), and after a transition's effects are done its timer's time, with a token naming the state whose effects
    /// are done, so that the sweep does not do them again.
    /// </summary>
    public Task CheckAtAsync(string id, DateTimeOffset at, string? doneFor, CancellationToken cancellationToken) =>
        index.UpsertEntityAsync(new TableEntity(kind, id) { ["NextCheckAt"] = at, ["DoneFor"] = doneFor }, TableUpdateMode.Replace, cancellationToken);

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

    /// <summary>The instances whose check time has come, with the token of the state whose effects are done.</summary>
    public async Task<IReadOnlyList<DueInstance>> DueForCheckAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var list = new List<DueInstance>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind} and NextCheckAt le {now}");
        await foreach (var row in index.QueryAsync<TableEntity>(filter, select: ["RowKey", "DoneFor"], cancellationToken: cancellationToken))
        {
            list.Add(new DueInstance(row.RowKey, row.GetString("DoneFor")));
            if (list.Count >= max) break;
        }
        return list;
    }

    /// <summary>The ids of the open instances (in the index).</summary>
    public async IAsyncEnumerable<string> OpenIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in index.QueryAsync<TableEntity>(e => e.PartitionKey == kind, select: ["RowKey"], cancellationToken: cancellationToken))
            yield return row.RowKey;
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
