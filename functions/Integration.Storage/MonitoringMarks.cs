using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>A unit (or the whole province) whose alerts are to be evaluated again for a quarter.</summary>
public sealed record MonitoringMark(string Unit, string Quarter, ETag ETag);

/// <summary>
/// What the monitoring engine has to look at again: a row per unit and quarter whose aggregates changed (written
/// before and after the records, so a crash loses none), taken away only if not marked again meanwhile (ETag).
/// </summary>
public sealed class MonitoringMarks(HubStorage storage)
{
    private const string Partition = "mark";
    private const string MetaPartition = "meta";
    private const string ChangedPartition = "changed";

    /// <summary>
    /// R29, R30: keeps the latest day (China time, <c>yyyy-MM-dd</c>) the hub has orders or deliveries of, from any
    /// partner: one row, only ever moved forward (a conditional update, tried again when another writer came first).
    /// </summary>
    public async Task RecordDataDaysAsync(IEnumerable<string> days, CancellationToken cancellationToken)
    {
        var latest = days.Max(StringComparer.Ordinal);
        if (latest is null) return;
        for (var attempt = 0; ; attempt++)
        {
            var row = await storage.Monitoring.GetEntityIfExistsAsync<TableEntity>(MetaPartition, "dataDay", cancellationToken: cancellationToken);
            if (row.HasValue && string.CompareOrdinal(row.Value!.GetString("Day"), latest) >= 0) return;
            try
            {
                var entity = new TableEntity(MetaPartition, "dataDay") { ["Day"] = latest };
                if (row.HasValue) await storage.Monitoring.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await storage.Monitoring.AddEntityAsync(entity, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
            }
        }
    }

    /// <summary>The latest day the hub has orders or deliveries of (<see cref="RecordDataDaysAsync"/>), or null.</summary>
    public async Task<string?> LatestDataDayAsync(CancellationToken cancellationToken)
    {
        var row = await storage.Monitoring.GetEntityIfExistsAsync<TableEntity>(MetaPartition, "dataDay", cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("Day") : null;
    }

    /// <summary>When the unit's data last changed (any quarter), or null when never since the hub kept track.</summary>
    public async Task<DateTimeOffset?> ChangedAtAsync(string unit, CancellationToken cancellationToken)
    {
        var row = await storage.Monitoring.GetEntityIfExistsAsync<TableEntity>(ChangedPartition, TableKeys.Of(unit), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("At") : null;
    }

    public async Task MarkAsync(IEnumerable<(string Unit, string Quarter)> marks, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var list = marks.Distinct().ToList();
        var rows = list.Select(m => new TableEntity(Partition, $"{m.Quarter}|{m.Unit}") { ["At"] = now }).ToList();
        foreach (var chunk in TableBatch.Chunk(rows, _ => 200))
            await TableBatch.SubmitAsync(storage.Monitoring, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], cancellationToken);
        // When each unit's data last changed, whatever the quarter (a demand report or an agreement counts for every
        // quarter of its cycle): a unit's result kept before then is not current.
        var changed = list.Select(m => m.Unit).Distinct(StringComparer.Ordinal).Select(u => new TableEntity(ChangedPartition, TableKeys.Of(u)) { ["At"] = now }).ToList();
        foreach (var chunk in TableBatch.Chunk(changed, _ => 200))
            await TableBatch.SubmitAsync(storage.Monitoring, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], cancellationToken);
    }

    public async Task<IReadOnlyList<MonitoringMark>> ListAsync(int max, CancellationToken cancellationToken)
    {
        var list = new List<MonitoringMark>();
        await foreach (var e in storage.Monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, maxPerPage: Math.Min(max, 1000), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            var bar = e.RowKey.IndexOf('|', StringComparison.Ordinal);
            list.Add(new MonitoringMark(e.RowKey[(bar + 1)..], e.RowKey[..bar], e.ETag));
            if (list.Count >= max) break;
        }
        return list;
    }

    /// <summary>How many units (and province-wide evaluations) wait to be evaluated: the monitoring engine's backlog.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in storage.Monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["RowKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    /// <summary>Takes the mark away, unless it was marked again after it was read.</summary>
    public async Task DoneAsync(MonitoringMark mark, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Monitoring.DeleteEntityAsync(Partition, $"{mark.Quarter}|{mark.Unit}", mark.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    /// <summary>When the last full evaluation (every unit, every supplier and jurisdiction) started, if ever.</summary>
    public async Task<DateTimeOffset?> LastFullAsync(CancellationToken cancellationToken)
    {
        var row = await storage.Monitoring.GetEntityIfExistsAsync<TableEntity>(MetaPartition, "full", cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("At") : null;
    }

    public Task SetLastFullAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        storage.Monitoring.UpsertEntityAsync(new TableEntity(MetaPartition, "full") { ["At"] = at }, TableUpdateMode.Replace, cancellationToken);
}
