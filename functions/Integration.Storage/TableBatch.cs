using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>
/// Submits entity group transactions within the limits of the real Table service: one partition key, at most 100
/// operations, at most 4 MiB. Azurite accepts transactions across partition keys; Azure does not, so the guard is here.
/// </summary>
public static class TableBatch
{
    public const int MaxOperations = 100;

    /// <summary>Payload budget per transaction, below the service's 4 MiB to leave room for the multipart framing.</summary>
    public const int MaxPayloadChars = 1_500_000;

    /// <summary>Submits the actions as one transaction; returns the answer to each, in order (their new ETags).</summary>
    public static async Task<IReadOnlyList<Azure.Response>> SubmitAsync(TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        EnsureWithinLimits(actions);
        if (actions.Count == 0) return [];
        return (await table.SubmitTransactionAsync(actions, cancellationToken)).Value;
    }

    public static void EnsureWithinLimits(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count > MaxOperations)
            throw new InvalidOperationException($"A table transaction holds at most {MaxOperations} operations, not {actions.Count}.");
        if (actions.Count > 0)
        {
            var partition = actions[0].Entity.PartitionKey;
            if (actions.Any(a => !string.Equals(a.Entity.PartitionKey, partition, StringComparison.Ordinal)))
                throw new InvalidOperationException("A table transaction must stay within one partition key.");
        }
    }

    /// <summary>Splits a partition's operations into transactions within the operation and size limits.</summary>
    public static IEnumerable<List<T>> Chunk<T>(IEnumerable<T> items, Func<T, int> size, int maxOperations = MaxOperations)
    {
        var chunk = new List<T>();
        var chars = 0;
        foreach (var item in items)
        {
            var s = size(item);
            if (chunk.Count > 0 && (chunk.Count == maxOperations || chars + s > MaxPayloadChars))
            {
                yield return chunk;
                chunk = [];
                chars = 0;
            }
            chunk.Add(item);
            chars += s;
        }
        if (chunk.Count > 0) yield return chunk;
    }
}

public static class TableKeys
{
    /// <summary>A partition or row key for an id: keys may not hold / \ # ? or control characters (each becomes '_').</summary>
    public static string Of(string id) => string.Concat(id.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));
}
