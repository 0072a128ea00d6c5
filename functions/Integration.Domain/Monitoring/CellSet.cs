namespace Integration.Domain.Monitoring;

/// <summary>One institution's aggregate cells: cell key (<see cref="Cells.Key"/>) → field → fixed-point sum.</summary>
public sealed class CellSet
{
    private readonly Dictionary<string, Dictionary<string, long>> cells = new(StringComparer.Ordinal);

    public IEnumerable<string> Keys => cells.Keys;

    public IReadOnlyDictionary<string, long> this[string cell] =>
        cells.TryGetValue(cell, out var fields) ? fields : Empty;

    public long Get(string cell, string field) => cells.TryGetValue(cell, out var f) ? f.GetValueOrDefault(field) : 0;

    public void Add(Contribution c) => Add(c.Cell, c.Field, c.Amount);

    public void Add(string cell, string field, long amount)
    {
        if (amount == 0) return;
        if (!cells.TryGetValue(cell, out var fields)) cells[cell] = fields = new(StringComparer.Ordinal);
        var sum = fields.GetValueOrDefault(field) + amount;
        if (sum == 0) fields.Remove(field);
        else fields[field] = sum;
        if (fields.Count == 0) cells.Remove(cell);
    }

    public void AddAll(CellSet other)
    {
        foreach (var (cell, fields) in other.cells)
            foreach (var (field, amount) in fields)
                Add(cell, field, amount);
    }

    /// <summary>True when both hold the same non-zero sums.</summary>
    public bool SameAs(CellSet other) =>
        cells.Count == other.cells.Count &&
        cells.All(c => other.cells.TryGetValue(c.Key, out var o) && c.Value.Count == o.Count && c.Value.All(f => o.GetValueOrDefault(f.Key) == f.Value));

    private static readonly IReadOnlyDictionary<string, long> Empty = new Dictionary<string, long>();
}
