using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>
/// Which request each signed <c>webhook-id</c> was used for (method, path and query; the signature binds the body):
/// the first use of a partner's id with a timestamp binds it, and the same headers on another route or method are
/// refused. A row is needed only while its timestamp is within the signature tolerance; rows are kept in partitions
/// by the hour of the timestamp (spread over <see cref="Shards"/> partitions per hour) and purged by the hour.
/// </summary>
public sealed class RequestBindings(HubStorage storage)
{
    /// <summary>Partitions per hour, so that one hour's requests are not all in one hot partition.</summary>
    public const int Shards = 16;

    /// <summary>Binds the id to the request, or finds it bound already: true when it is bound to this very request.</summary>
    public async Task<bool> BindAsync(string partnerId, string webhookId, long timestamp, string request, CancellationToken cancellationToken)
    {
        var key = Key(partnerId, webhookId, timestamp);
        var partition = Partition(timestamp, key);
        try
        {
            await storage.RequestBindings.AddEntityAsync(new TableEntity(partition, key) { ["Request"] = request }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var row = await storage.RequestBindings.GetEntityIfExistsAsync<TableEntity>(partition, key, ["Request"], cancellationToken);
            return row.HasValue && row.Value!.GetString("Request") == request;
        }
    }

    /// <summary>Deletes the bindings of the hours before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Hour(before.ToUnixTimeSeconds())}");
        var rows = new List<(string Partition, string Row)>();
        await foreach (var row in storage.RequestBindings.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            rows.Add((row.PartitionKey, row.RowKey));
        foreach (var partition in rows.GroupBy(r => r.Partition))
            await TableBatch.DeleteAsync(storage.RequestBindings, partition.Key, partition.Select(r => r.Row), cancellationToken);
        return rows.Count;
    }

    private static string Key(string partnerId, string webhookId, long timestamp) =>
        TableKeys.Of($"{partnerId}|{webhookId}|{timestamp.ToString(CultureInfo.InvariantCulture)}");

    private static string Partition(long timestamp, string key) =>
        $"{Hour(timestamp)}-{(uint)StableHash(key) % Shards:D2}";

    /// <summary>The hour of a Unix timestamp, as a key that sorts by time.</summary>
    private static string Hour(long timestamp) => (Math.Max(timestamp, 0) / 3600).ToString("D10", CultureInfo.InvariantCulture);

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
