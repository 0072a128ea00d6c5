using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Monitoring;

namespace Integration.Storage;

/// <summary>
/// R24's listing observations, one row per product and observation time (the same product and time again replaces
/// it), in the monitoring table's <c>listing</c> partition.
/// </summary>
public sealed class ListingStore(HubStorage storage)
{
    private const string Partition = "listing";

    public async Task PutAsync(IReadOnlyList<ListingObservation> observations, CancellationToken cancellationToken)
    {
        var rows = observations.Select(o => new TableEntity(Partition, TableKeys.Of($"{o.Product}|{o.ObservedAt.UtcTicks:D19}")) { ["Data"] = HubJson.Serialize(o) }).ToList();
        foreach (var chunk in TableBatch.Chunk(rows, _ => 200))
            await TableBatch.SubmitAsync(storage.Monitoring, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], cancellationToken);
    }

    /// <summary>Every observation, by product.</summary>
    public async Task<IReadOnlyDictionary<string, List<ListingObservation>>> AllAsync(CancellationToken cancellationToken)
    {
        var byProduct = new Dictionary<string, List<ListingObservation>>(StringComparer.Ordinal);
        await foreach (var e in storage.Monitoring.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["Data"], cancellationToken: cancellationToken))
        {
            var o = HubJson.Deserialize<ListingObservation>(e.GetString("Data"));
            (byProduct.TryGetValue(o.Product, out var list) ? list : byProduct[o.Product] = []).Add(o);
        }
        return byProduct;
    }
}
