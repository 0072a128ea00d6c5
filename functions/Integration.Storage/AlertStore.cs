using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Storage;

/// <summary>
/// Alerts by kind, one row per alert id (insert-if-absent). Every change of an alert writes, in the same transaction,
/// an event row beside it (the outbox, rows <c>~out|...</c>), which stays until it has been fanned out to the
/// subscribers: no change is lost to a crash, and none is sent that did not happen.
/// </summary>
public sealed class AlertStore(HubStorage storage)
{
    private const string OutboxPrefix = "~out|";

    /// <summary>Stores the alert unless one with its id exists; true when it is new.</summary>
    public async Task<bool> RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        try
        {
            await TableBatch.SubmitAsync(storage.Alerts, [
                new TableTransactionAction(TableTransactionActionType.Add, Row(alert)),
                new TableTransactionAction(TableTransactionActionType.Add, Outbox(AlertChange.Raised, alert, alert.RaisedAt)),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private static TableEntity Row(Alert alert) => new(alert.Kind, RowKey(alert.Id)) { ["Data"] = HubJson.Serialize(alert), ["RaisedAt"] = alert.RaisedAt };

    private static TableEntity Outbox(AlertChange change, Alert alert, DateTimeOffset at)
    {
        var eventId = $"{alert.Id}@{at.UtcTicks}";
        return new TableEntity(alert.Kind, OutboxPrefix + RowKey(eventId)) { ["Data"] = HubJson.Serialize(new AlertEvent(eventId, change, alert, at)) };
    }

    /// <summary>The changes of alerts of a kind not fanned out yet, oldest first.</summary>
    private async Task<IReadOnlyList<AlertEvent>> PendingEventsAsync(string kind, int max, CancellationToken cancellationToken)
    {
        var list = new List<AlertEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind} and RowKey ge {OutboxPrefix} and RowKey lt {"~out}"}");
        await foreach (var e in storage.Alerts.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["Data"], cancellationToken: cancellationToken))
        {
            list.Add(HubJson.Deserialize<AlertEvent>(e.GetString("Data")));
            if (list.Count >= max) break;
        }
        return [.. list.OrderBy(e => e.At)];
    }

    /// <summary>
    /// The dispatch run of a kind's events: the one a crash left unfinished, or else a new one of up to
    /// <paramref name="max"/> waiting events (oldest first); null when none waits.
    /// </summary>
    public async Task<DispatchRun?> NextRunAsync(string kind, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var blob = RunBlob(kind);
        if (await ReadRunAsync(blob, cancellationToken) is { } unfinished) return unfinished;
        var events = await PendingEventsAsync(kind, max, cancellationToken);
        if (events.Count == 0) return null;
        // Runs sort by their start; the suffix keeps two runs started in the same tick apart.
        var run = new DispatchRun($"{now.UtcDateTime:yyyyMMddHHmmssfffffff}-{Guid.NewGuid():N}"[..30], kind, events);
        try
        {
            await blob.UploadAsync(BinaryData.FromString(HubJson.Serialize(run)), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return run;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return await ReadRunAsync(blob, cancellationToken);
        }
    }

    /// <summary>Ends a run once its events are fanned out: they leave the outbox (those gone already are skipped), then the run.</summary>
    public async Task CompleteRunAsync(DispatchRun run, CancellationToken cancellationToken)
    {
        await TableBatch.DeleteAsync(storage.Alerts, run.Kind, run.Events.Select(e => OutboxPrefix + RowKey(e.EventId)), cancellationToken);
        await RunBlob(run.Kind).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    private BlobClient RunBlob(string kind) => storage.State.GetBlobClient($"alerts/dispatch-{kind}.json");

    private static async Task<DispatchRun?> ReadRunAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return HubJson.Deserialize<DispatchRun>((await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps a condition's alert in step with it (<see cref="AlertLifecycle.Sync"/>): <paramref name="alert"/> is the
    /// alert as it would be raised, or null when the condition does not hold. Returns what changed.
    /// </summary>
    public async Task<AlertChange?> SyncAsync(string kind, string id, Alert? alert, DateTimeOffset now, CancellationToken cancellationToken,
        decimal materialChange = AlertLifecycle.DefaultMaterialChange)
    {
        return await Conflicts.RetryAsync<AlertChange?>($"alert {id}", async _ =>
        {
            var row = await storage.Alerts.GetEntityIfExistsAsync<TableEntity>(kind, RowKey(id), cancellationToken: cancellationToken);
            var current = row.HasValue ? HubJson.Deserialize<Alert>(row.Value!.GetString("Data")) : null;
            if (AlertLifecycle.Sync(current, alert, now, materialChange) is not { } decided) return null;
            var (next, change) = decided;
            await TableBatch.SubmitAsync(storage.Alerts, [
                row.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Row(next), row.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, Row(next)),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, Outbox(change, next, now)),
            ], cancellationToken);
            return change;
        }, cancellationToken);
    }

    /// <summary>
    /// Records that an office handles the alert (once per partner; again changes nothing) and tells the subscribers
    /// (an <c>acknowledged</c> event). Null when there is no such alert.
    /// </summary>
    public async Task<Alert?> AcknowledgeAsync(string id, Acknowledgement acknowledgement, CancellationToken cancellationToken)
    {
        return await Conflicts.RetryAsync<Alert?>($"alert {id}", async _ =>
        {
            if (await FindRowAsync(id, cancellationToken) is not { } row) return null;
            var current = HubJson.Deserialize<Alert>(row.GetString("Data"));
            if (AlertLifecycle.Acknowledge(current, acknowledgement) is not { } next) return current;
            await TableBatch.SubmitAsync(storage.Alerts, [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, Row(next), row.ETag),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, Outbox(AlertChange.Acknowledged, next, acknowledgement.At)),
            ], cancellationToken);
            return next;
        }, cancellationToken);
    }

    /// <summary>
    /// Ends an open alert by an accepted explanation (<see cref="AlertLifecycle.Explain"/>) and tells the subscribers (an
    /// <c>updated</c> event with status <c>explained</c>); again changes nothing. Null when there is no such alert.
    /// </summary>
    public async Task<Alert?> ExplainAsync(string id, string caseId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        return await Conflicts.RetryAsync<Alert?>($"alert {id}", async _ =>
        {
            if (await FindRowAsync(id, cancellationToken) is not { } row) return null;
            var current = HubJson.Deserialize<Alert>(row.GetString("Data"));
            if (AlertLifecycle.Explain(current, caseId, at) is not { } next) return current;
            await TableBatch.SubmitAsync(storage.Alerts, [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, Row(next), row.ETag),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, Outbox(AlertChange.Updated, next, at)),
            ], cancellationToken);
            return next;
        }, cancellationToken);
    }

    private const string SetPrefix = "~set|";

    /// <summary>
    /// The ids a condition's source last held active under <paramref name="key"/> (e.g. a party's monitoring alerts of a
    /// quarter), with the row's ETag: what a later evaluation that no longer produces an id must clear. Kept in the
    /// kind's partition, outside the ranges the lists and the outbox read.
    /// </summary>
    public async Task<(IReadOnlySet<string> Ids, ETag? ETag)> ActiveSetAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var row = await storage.Alerts.GetEntityIfExistsAsync<TableEntity>(kind, SetPrefix + RowKey(key), cancellationToken: cancellationToken);
        return row.HasValue
            ? (HubJson.Deserialize<string[]>(TableText.Read(row.Value!, "Ids")).ToHashSet(StringComparer.Ordinal), row.Value!.ETag)
            : (new HashSet<string>(StringComparer.Ordinal), null);
    }

    /// <summary>
    /// Replaces the set, guarded by the ETag read with it: a conflict when another evaluation wrote it meanwhile (run it
    /// in <see cref="Conflicts.RetryAsync{T}"/> with the read).
    /// </summary>
    public async Task PutActiveSetAsync(string kind, string key, IEnumerable<string> ids, ETag? etag, CancellationToken cancellationToken)
    {
        var row = new TableEntity(kind, SetPrefix + RowKey(key));
        TableText.Write(row, "Ids", HubJson.Serialize(ids.Order(StringComparer.Ordinal).ToArray()));
        if (etag is { } e) await storage.Alerts.UpdateEntityAsync(row, e, TableUpdateMode.Replace, cancellationToken);
        else await storage.Alerts.AddEntityAsync(row, cancellationToken);
    }

    /// <summary>One alert by id, whatever its kind; null when there is none.</summary>
    public async Task<Alert?> GetAsync(string id, CancellationToken cancellationToken) =>
        await FindRowAsync(id, cancellationToken) is { } row ? HubJson.Deserialize<Alert>(row.GetString("Data")) : null;

    private async Task<TableEntity?> FindRowAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var kind in AlertKinds.All)
        {
            var row = await storage.Alerts.GetEntityIfExistsAsync<TableEntity>(kind, RowKey(id), cancellationToken: cancellationToken);
            if (row.HasValue) return row.Value;
        }
        return null;
    }

    /// <summary>The alerts of a kind (every kind when null), newest first.</summary>
    public async Task<IReadOnlyList<Alert>> ListAsync(string? kind, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var list = new List<Alert>();
        // Alerts only: the outbox rows sort after them.
        var filter = (kind, since) switch
        {
            (null, null) => TableClient.CreateQueryFilter($"RowKey lt {"~"}"),
            (null, { } s) => TableClient.CreateQueryFilter($"RowKey lt {"~"} and RaisedAt ge {s}"),
            ({ } k, null) => TableClient.CreateQueryFilter($"PartitionKey eq {k} and RowKey lt {"~"}"),
            ({ } k, { } s) => TableClient.CreateQueryFilter($"PartitionKey eq {k} and RowKey lt {"~"} and RaisedAt ge {s}"),
        };
        await foreach (var e in storage.Alerts.QueryAsync<TableEntity>(filter, select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<Alert>(e.GetString("Data")));
        return [.. list.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    private static string RowKey(string id) => TableKeys.Of(id);
}
