using System.Collections.Concurrent;
using Integration.Domain.Feeds;
using Integration.Storage;

namespace Integration.Functions.Ingestion;

/// <summary>
/// Finds the orders and deliveries new items refer to: first among those this instance wrote or found recently
/// (a bounded cache, two generations of at most <see cref="GenerationSize"/> keys), then with one point read.
/// Only what exists is cached: an unknown order may arrive any moment.
/// </summary>
public sealed class FeedReferences(RecordStore records) : IFeedReferences
{
    public const int GenerationSize = 500_000;

    private ConcurrentDictionary<string, object> young = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, object> old = new(StringComparer.Ordinal);
    private static readonly object Present = new();
    private readonly Lock rotating = new();

    public async ValueTask<OrderLineRef?> FindOrderLineAsync(string hospital, string orderId, int lineNo, CancellationToken cancellationToken)
    {
        var key = $"L|{hospital}|{orderId}|{lineNo}";
        if (Find(key) is OrderLineRef known) return known;
        var found = await records.FindOrderLineAsync(hospital, orderId, lineNo, cancellationToken);
        if (found is not null) Remember(key, found);
        return found;
    }

    public ValueTask<bool> OrderExistsAsync(string hospital, string orderId, CancellationToken cancellationToken) =>
        ExistsAsync($"O|{hospital}|{orderId}", () => records.OrderExistsAsync(hospital, orderId, cancellationToken));

    public ValueTask<bool> DeliveryExistsAsync(string hospital, string deliveryId, CancellationToken cancellationToken) =>
        ExistsAsync($"D|{hospital}|{deliveryId}", () => records.DeliveryExistsAsync(hospital, deliveryId, cancellationToken));

    /// <summary>Notes items just written, so that the items referring to them are checked without a read.</summary>
    public void Remember(IEnumerable<IFeedItem> written)
    {
        foreach (var item in written)
        {
            switch (item)
            {
                case OrderLine o:
                    Remember($"L|{o.Hospital}|{o.OrderId}|{o.LineNo}", new OrderLineRef(o.Product, o.Distributor));
                    Remember($"O|{o.Hospital}|{o.OrderId}", Present);
                    break;
                case Delivery d:
                    Remember($"D|{d.Hospital}|{d.DeliveryId}", Present);
                    break;
            }
        }
    }

    private async ValueTask<bool> ExistsAsync(string key, Func<Task<bool>> read)
    {
        if (Find(key) is not null) return true;
        var exists = await read();
        if (exists) Remember(key, Present);
        return exists;
    }

    private object? Find(string key)
    {
        if (young.TryGetValue(key, out var value)) return value;
        if (old.TryGetValue(key, out value))
        {
            Remember(key, value);
            return value;
        }
        return null;
    }

    private void Remember(string key, object value)
    {
        young[key] = value;
        if (young.Count > GenerationSize)
        {
            lock (rotating)
            {
                if (young.Count > GenerationSize)
                {
                    old = young;
                    young = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);
                }
            }
        }
    }
}
