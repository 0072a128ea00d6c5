using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Feeds;

namespace Integration.Storage;

/// <summary>What applying a request's items did: the items written (new, or newer than what was there) and skipped.</summary>
public sealed record ApplyResult(IReadOnlyList<IFeedItem> Written, int Skipped);

/// <summary>
/// Feed items, a table per feed: one partition per institution, one row per item (<see cref="IFeedItem.Key"/>), plus a
/// header row per order. Each row carries the version of the request that wrote it (acceptance time, then request id):
/// a row is only ever replaced by a newer version, so processing a request twice, or an old request after a new one,
/// changes nothing.
/// </summary>
public sealed class RecordStore(HubStorage storage)
{
    /// <summary>String properties hold at most 32K characters; longer JSON is split over Data, Data1, Data2...</summary>
    private const int PropertyChars = 30_000;

    /// <summary>The version of a request: sortable by acceptance time, then by request id.</summary>
    public static string Version(DateTimeOffset acceptedAt, string requestId) => $"{acceptedAt.UtcTicks:D19}|{requestId}";

    public async Task<ApplyResult> ApplyAsync(FeedKind feed, IReadOnlyList<IFeedItem> items, string version, CancellationToken cancellationToken)
    {
        var table = storage.Feeds[feed];
        var written = new List<IFeedItem>();
        var skipped = 0;
        var chunks = items
            .GroupBy(i => i.Hospital, StringComparer.Ordinal)
            .SelectMany(g => Chunk(g.Select(i => (Item: i, Entity: ToEntity(i, version)))))
            .ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var (w, s) = await ApplyChunkAsync(table, chunk, version, ct);
            lock (written)
            {
                written.AddRange(w);
                skipped += s;
            }
        });
        return new ApplyResult(written, skipped);
    }

    /// <summary>
    /// The common case first: every item is new, one transaction adds them all. When some are there already, they are
    /// read and replaced only when older (guarded by their ETags), and the transaction is retried if another writer
    /// got there in between.
    /// </summary>
    private static async Task<(List<IFeedItem> Written, int Skipped)> ApplyChunkAsync(TableClient table, List<(IFeedItem Item, TableEntity Entity)> chunk, string version, CancellationToken ct)
    {
        var headers = chunk.Select(x => Header(x.Item)).OfType<TableEntity>().DistinctBy(h => h.RowKey).ToList();
        try
        {
            await TableBatch.SubmitAsync(table,
                [.. chunk.Select(x => new TableTransactionAction(TableTransactionActionType.Add, x.Entity)), .. HeaderActions(headers)], ct);
            return ([.. chunk.Select(x => x.Item)], 0);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
        }

        for (var attempt = 1; ; attempt++)
        {
            var existing = await Task.WhenAll(chunk.Select(x => table.GetEntityIfExistsAsync<TableEntity>(
                x.Entity.PartitionKey, x.Entity.RowKey, ["Ver"], ct)));
            var actions = new List<TableTransactionAction>();
            var written = new List<IFeedItem>();
            for (var i = 0; i < chunk.Count; i++)
            {
                var current = existing[i].HasValue ? existing[i].Value : null;
                if (current is null)
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, chunk[i].Entity));
                else if (string.CompareOrdinal(current.GetString("Ver"), version) < 0)
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, chunk[i].Entity, current.ETag));
                else
                    continue;
                written.Add(chunk[i].Item);
            }
            if (actions.Count == 0) return ([], chunk.Count);
            try
            {
                await TableBatch.SubmitAsync(table, [.. actions, .. HeaderActions(headers)], ct);
                return (written, chunk.Count - written.Count);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
            }
        }
    }

    public async Task<OrderLineRef?> FindOrderLineAsync(string hospital, string orderId, int lineNo, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[FeedKind.Orders].GetEntityIfExistsAsync<TableEntity>(hospital, FeedKeys.OrderLine(orderId, lineNo),
            ["Product", "Distributor"], cancellationToken);
        return row.HasValue ? new OrderLineRef(row.Value!.GetString("Product"), row.Value.GetString("Distributor")) : null;
    }

    public Task<bool> OrderExistsAsync(string hospital, string orderId, CancellationToken cancellationToken) =>
        ExistsAsync(FeedKind.Orders, hospital, FeedKeys.OrderHeader(orderId), cancellationToken);

    public Task<bool> DeliveryExistsAsync(string hospital, string deliveryId, CancellationToken cancellationToken) =>
        ExistsAsync(FeedKind.Deliveries, hospital, FeedKeys.Delivery(deliveryId), cancellationToken);

    /// <summary>Reads one item back (for status pages and tests); null when absent.</summary>
    public async Task<StoredRecord?> GetAsync(FeedKind feed, string hospital, string key, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[feed].GetEntityIfExistsAsync<TableEntity>(hospital, key, cancellationToken: cancellationToken);
        return row.HasValue ? new StoredRecord(row.Value!.GetString("Ver"), JoinData(row.Value)) : null;
    }

    private async Task<bool> ExistsAsync(FeedKind feed, string hospital, string rowKey, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[feed].GetEntityIfExistsAsync<TableEntity>(hospital, rowKey, ["RowKey"], cancellationToken);
        return row.HasValue;
    }

    private static TableEntity ToEntity(IFeedItem item, string version)
    {
        var entity = new TableEntity(item.Hospital, item.Key) { ["Ver"] = version };
        var json = HubJson.Serialize<object>(item);
        for (int part = 0, at = 0; at < json.Length; part++, at += PropertyChars)
            entity[part == 0 ? "Data" : $"Data{part}"] = json.Substring(at, Math.Min(PropertyChars, json.Length - at));
        if (item is OrderLine line)
        {
            entity["Product"] = line.Product;
            entity["Distributor"] = line.Distributor;
        }
        return entity;
    }

    private static string JoinData(TableEntity entity)
    {
        var json = entity.GetString("Data") ?? "";
        for (var part = 1; entity.TryGetValue($"Data{part}", out var more); part++) json += (string)more;
        return json;
    }

    /// <summary>One partition's items in transactions of at most 100 operations (items and their header rows) and within the size budget.</summary>
    private static IEnumerable<List<(IFeedItem Item, TableEntity Entity)>> Chunk(IEnumerable<(IFeedItem Item, TableEntity Entity)> items)
    {
        var chunk = new List<(IFeedItem, TableEntity)>();
        var headers = new HashSet<string>(StringComparer.Ordinal);
        var chars = 0;
        foreach (var x in items)
        {
            var header = Header(x.Item)?.RowKey;
            var size = ((IDictionary<string, object>)x.Entity).Values.Sum(v => v is string s ? s.Length : 16) + 300;
            var operations = chunk.Count + headers.Count + 1 + (header is null || headers.Contains(header) ? 0 : 1);
            if (chunk.Count > 0 && (operations > TableBatch.MaxOperations || chars + size > TableBatch.MaxPayloadChars))
            {
                yield return chunk;
                chunk = [];
                headers.Clear();
                chars = 0;
            }
            chunk.Add(x);
            if (header is not null) headers.Add(header);
            chars += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private static TableEntity? Header(IFeedItem item) => item switch
    {
        OrderLine o => new TableEntity(o.Hospital, FeedKeys.OrderHeader(o.OrderId)),
        _ => null,
    };

    private static IEnumerable<TableTransactionAction> HeaderActions(List<TableEntity> headers) =>
        headers.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertMerge, h));
}

/// <summary>An item as stored: its version (acceptance time and request id of the request that wrote it) and its JSON.</summary>
public sealed record StoredRecord(string Version, string Json)
{
    public string RequestId => Version[(Version.IndexOf('|', StringComparison.Ordinal) + 1)..];
}
