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

    public async Task MarkAsync(IEnumerable<(string Unit, string Quarter)> marks, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = marks.Distinct().Select(m => new TableEntity(Partition, $"{m.Quarter}|{m.Unit}") { ["At"] = now }).ToList();
        foreach (var chunk in TableBatch.Chunk(rows, _ => 200))
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

    /// <summary>True while the unit's aggregates for the quarter changed after its last evaluation.</summary>
    public async Task<bool> IsMarkedAsync(string unit, string quarter, CancellationToken cancellationToken) =>
        (await storage.Monitoring.GetEntityIfExistsAsync<TableEntity>(Partition, $"{quarter}|{unit}", ["RowKey"], cancellationToken)).HasValue;

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
