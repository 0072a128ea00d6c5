using Integration.Domain.Monitoring;

namespace Integration.Storage;

/// <summary>
/// What deliveries refer to (order lines' ordering time) or receipts refer to (deliveries' product, quantity, time), as
/// this instance last wrote or read it, so that writing a delivery or a receipt needs no read of what it refers to.
/// <para>
/// An entry is only as good as the referenced table's <em>basis epoch</em> (a row that every replacement of a record
/// there changes, see <see cref="RecordStore"/>): an entry is added with the epoch read before its value was read or
/// written, and only while that is still the epoch in force; when a newer epoch is observed, everything is dropped.
/// Bounded: two generations of at most <see cref="GenerationSize"/> keys.
/// </para>
/// </summary>
internal sealed class BasisCache
{
    public const int GenerationSize = 250_000;

    private readonly Lock gate = new();
    private string? epoch;
    private Dictionary<string, RecordBasis> young = new(StringComparer.Ordinal);
    private Dictionary<string, RecordBasis> old = new(StringComparer.Ordinal);

    /// <summary>Notes the epoch just read: a different one than before drops every entry.</summary>
    public void Observe(string current)
    {
        lock (gate)
        {
            if (epoch == current) return;
            epoch = current;
            young = new(StringComparer.Ordinal);
            old = new(StringComparer.Ordinal);
        }
    }

    /// <summary>The basis of <paramref name="key"/>, when known under the epoch <paramref name="current"/>.</summary>
    public bool TryGet(string key, string current, out RecordBasis basis)
    {
        lock (gate)
        {
            basis = null!;
            if (epoch != current) return false;
            if (young.TryGetValue(key, out basis!)) return true;
            if (!old.TryGetValue(key, out basis!)) return false;
            Put(key, basis);
            return true;
        }
    }

    /// <summary>Adds what was read or written after <paramref name="epochBefore"/> was read; ignored if the epoch moved on since.</summary>
    public void Add(string key, RecordBasis basis, string epochBefore)
    {
        lock (gate)
        {
            if (epoch == epochBefore) Put(key, basis);
        }
    }

    private void Put(string key, RecordBasis basis)
    {
        young[key] = basis;
        if (young.Count <= GenerationSize) return;
        old = young;
        young = new(StringComparer.Ordinal);
    }
}
