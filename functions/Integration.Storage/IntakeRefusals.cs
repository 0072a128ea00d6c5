using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>A partner's refused intake in a quarter: the requests refused and the items with a problem in them.</summary>
public sealed record RefusalCount(long Requests, long Items);

/// <summary>
/// R30 (003 三(三) 数据数量、质量监控预警): what intake refused, counted per sending party (a hospital, a supplier, a
/// distributor: the partner's entity) and quarter, so that the offices see it on that party's indicators. A row per
/// refused request (its id), so that a retry of the same request is counted once and concurrent refusals need no lock;
/// only the count of items refused is kept, never the request's content.
/// </summary>
public sealed class IntakeRefusals(HubStorage storage)
{
    private static string Partition(string quarter, string entity) => $"refused|{quarter}|{TableKeys.Of(entity)}";

    public Task RecordAsync(string quarter, string entity, string requestId, int items, DateTimeOffset at, CancellationToken cancellationToken) =>
        storage.Monitoring.UpsertEntityAsync(new TableEntity(Partition(quarter, entity), TableKeys.Of(requestId)) { ["Items"] = items, ["At"] = at },
            TableUpdateMode.Replace, cancellationToken);

    public async Task<RefusalCount> CountAsync(string quarter, string entity, CancellationToken cancellationToken)
    {
        long requests = 0, items = 0;
        var partition = Partition(quarter, entity);
        await foreach (var e in storage.Monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["Items"], cancellationToken: cancellationToken))
        {
            requests++;
            items += e.GetInt32("Items") ?? 0;
        }
        return new RefusalCount(requests, items);
    }
}
