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

    /// <summary>Deletes rows of one partition in transactions of up to 100; rows that are gone already are skipped.</summary>
    public static async Task DeleteAsync(TableClient table, string partition, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in Chunk(rowKeys.Distinct(StringComparer.Ordinal), _ => 100))
        {
            try
            {
                await SubmitAsync(table, [.. chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, k), Azure.ETag.All))], cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // Some went already (a run before a crash): one by one.
                foreach (var k in chunk)
                {
                    try { await table.DeleteEntityAsync(partition, k, Azure.ETag.All, cancellationToken); }
                    catch (Azure.RequestFailedException x) when (x.Status == 404) { }
                }
            }
        }
    }

    /// <summary>Splits a partition's operations into transactions within the operation and size limits (or any list within other limits).</summary>
    public static IEnumerable<List<T>> Chunk<T>(IEnumerable<T> items, Func<T, int> size, int maxOperations = MaxOperations, int maxChars = MaxPayloadChars)
    {
        var chunk = new List<T>();
        var chars = 0;
        foreach (var item in items)
        {
            var s = size(item);
            if (chunk.Count > 0 && (chunk.Count == maxOperations || chars + s > maxChars))
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

/// <summary>
/// Text longer than a table property holds (64 KiB: 32,768 characters) kept in numbered properties (<c>Data</c>,
/// <c>Data1</c>, ...) of one entity (at most 1 MiB).
/// </summary>
public static class TableText
{
    public const int PropertyChars = 30_000;

    public static void Write(TableEntity entity, string name, string text)
    {
        for (var i = 0; i * PropertyChars < Math.Max(text.Length, 1); i++)
            entity[i == 0 ? name : name + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = text.Substring(i * PropertyChars, Math.Min(PropertyChars, text.Length - i * PropertyChars));
    }

    public static string Read(TableEntity entity, string name)
    {
        var text = new System.Text.StringBuilder(entity.GetString(name));
        for (var i = 1; entity.GetString(name + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } more; i++) text.Append(more);
        return text.ToString();
    }
}
